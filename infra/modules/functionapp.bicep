// The Function App on the Flex Consumption plan (.NET 10 isolated worker). Its system-assigned identity reaches
// storage (AzureWebJobsStorage__*), Application Insights (Entra ingestion) and PostgreSQL (an Entra token as the
// password, refreshed by the app): no key or password is in any setting. Every setting the app validates at
// start-up is set here (checked by tests/BookingFunctions.Infra.Tests against the compiled template).
param location string
param tags object
param planName string
param appName string
param storageAccountName string
param deploymentContainerUrl string
param applicationInsightsName string
param postgresHost string
param postgresPort int
param databaseName string
param authAuthority string
param authAudience string
param authStaffRole string
param monitorSchedule string
param corsAllowedOrigins array
param maximumInstanceCount int
param instanceMemoryMB int

@description('Subnet (delegated to Microsoft.App/environments) for VNet integration; empty: none.')
param subnetId string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

// The PostgreSQL role is named after the app (infra/hooks/postprovision.sh creates it for this identity and
// grants it booking_app). A small pool per instance: instances x pool stays well below PgBouncer's client limit.
var connectionString = 'Host=${postgresHost};Port=${postgresPort};Database=${databaseName};Username=${appName};Ssl Mode=VerifyFull;Maximum Pool Size=20'

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        { name: 'ConnectionStrings__BookingDb', value: connectionString }
        { name: 'Booking__Database__UseEntraId', value: 'true' }
        { name: 'Booking__Auth__Authority', value: authAuthority }
        { name: 'Booking__Auth__Audience', value: authAudience }
        { name: 'Booking__Auth__StaffRole', value: authStaffRole }
        { name: 'DoubleBookingMonitorSchedule', value: monitorSchedule }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'SystemAssignedIdentity'
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// Deployments (azd) use Entra ID; FTP and basic-auth publishing stay off.
resource ftp 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: { allow: false }
}

resource scm 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: { allow: false }
}

output name string = app.name
output url string = 'https://${app.properties.defaultHostName}'
output principalId string = app.identity.principalId
