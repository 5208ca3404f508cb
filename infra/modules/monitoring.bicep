// Log Analytics workspace and a workspace-based Application Insights resource. Local (instrumentation key)
// authentication is off: telemetry is accepted only with an Entra token, which the Function App's identity
// gets through the Monitoring Metrics Publisher role (access.bicep).
param location string
param tags object
param workspaceName string
param applicationInsightsName string

@description('Days the workspace keeps data (30 is included in the ingestion price).')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    IngestionMode: 'LogAnalytics'
  }
}

output applicationInsightsName string = applicationInsights.name
output workspaceName string = workspace.name
