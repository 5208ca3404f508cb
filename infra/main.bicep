// =============================================================================================
// BookingFunctions on Azure, for `azd up` (azure.yaml at the repository root).
// Creates one resource group with: a Flex Consumption Function App (.NET 10 isolated, system-assigned
// identity, HTTPS only, TLS >= 1.2, FTP and basic publishing off), its storage account (reached with
// the identity: shared keys off), Azure Database for PostgreSQL Flexible Server (Entra ID only,
// BTREE_GIST allow-listed, built-in PgBouncer), and Application Insights on a Log Analytics workspace
// (Entra ingestion only). No password or key exists anywhere, so no output carries a secret.
// After provisioning, infra/hooks/postprovision.sh applies the migrations and lets the app's identity in.
// =============================================================================================
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name: part of every resource name, and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer Flex Consumption and PostgreSQL Flexible Server.')
@metadata({ azd: { type: 'location' } })
param location string

@minLength(1)
@description('OpenID Connect authority that issues the callers\' tokens (Booking:Auth:Authority), e.g. https://login.microsoftonline.com/<tenant>/v2.0.')
param authAuthority string

@minLength(1)
@description('Expected audience of the callers\' tokens (Booking:Auth:Audience), e.g. api://booking.')
param authAudience string

@description('Role that may act on any booking (Booking:Auth:StaffRole).')
param authStaffRole string = 'booking.staff'

@description('Six-field CRON (seconds first) of the double-booking audit (DoubleBookingMonitorSchedule).')
param monitorSchedule string = '0 */5 * * * *'

@description('Browser origins allowed to call the API (the Function App\'s CORS list). Empty: no browser origin.')
param corsAllowedOrigins array = []

@description('Most instances Flex Consumption may scale out to. Each keeps a small connection pool (Maximum Pool Size in the connection string).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of one Function App instance.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('PostgreSQL major version (16 or newer).')
@allowed(['16', '17'])
param postgresVersion string = '16'

@description('PostgreSQL compute tier. The built-in PgBouncer needs GeneralPurpose or MemoryOptimized; Burstable is cheaper and runs without it.')
@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'GeneralPurpose'

@description('PostgreSQL compute size, matching postgresSkuTier (e.g. Standard_B1ms for Burstable).')
param postgresSkuName string = 'Standard_D2ds_v5'

@description('PostgreSQL storage in GiB.')
param postgresStorageSizeGB int = 32

@description('Entra ID object id of the PostgreSQL administrator (who applies the migrations). Default: whoever deploys.')
param postgresAdminObjectId string = deployer().objectId

@description('Name of that administrator as PostgreSQL knows it: the user principal name of a user, the display name of a group or service principal.')
param postgresAdminName string = deployer().userPrincipalName

@description('Kind of that administrator.')
@allowed(['User', 'Group', 'ServicePrincipal'])
param postgresAdminType string = 'User'

@description('Public network access to PostgreSQL. Disabled needs postgresDelegatedSubnetId, postgresPrivateDnsZoneId and functionAppSubnetId.')
@allowed(['Enabled', 'Disabled'])
param postgresPublicNetworkAccess string = 'Enabled'

@description('With public access: allow connections from Azure services (Flex Consumption without a VNet has no fixed outbound address).')
param postgresAllowAzureServices bool = true

@description('With public access: more firewall rules, e.g. [{ name: \'office\', startIpAddress: \'203.0.113.10\', endIpAddress: \'203.0.113.10\' }].')
param postgresFirewallRules array = []

@description('Private access: a subnet delegated to Microsoft.DBforPostgreSQL/flexibleServers (empty: public access).')
param postgresDelegatedSubnetId string = ''

@description('Private access: the privatelink.postgres.database.azure.com (or <name>.postgres.database.azure.com) private DNS zone linked to the VNet.')
param postgresPrivateDnsZoneId string = ''

@description('Private access: a subnet delegated to Microsoft.App/environments for the Function App\'s VNet integration (empty: none).')
param functionAppSubnetId string = ''

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var databaseName = 'booking'
var functionAppName = 'func-booking-${resourceToken}'

resource group 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: group
  params: {
    location: location
    tags: tags
    workspaceName: 'log-${resourceToken}'
    applicationInsightsName: 'appi-${resourceToken}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: group
  params: {
    location: location
    tags: tags
    accountName: 'stbooking${resourceToken}'
    deploymentContainerName: 'app-package'
  }
}

module postgres 'modules/postgres.bicep' = {
  name: 'postgres'
  scope: group
  params: {
    location: location
    tags: tags
    serverName: 'psql-booking-${resourceToken}'
    databaseName: databaseName
    version: postgresVersion
    skuTier: postgresSkuTier
    skuName: postgresSkuName
    storageSizeGB: postgresStorageSizeGB
    adminObjectId: postgresAdminObjectId
    adminName: postgresAdminName
    adminType: postgresAdminType
    publicNetworkAccess: postgresPublicNetworkAccess
    allowAzureServices: postgresAllowAzureServices
    firewallRules: postgresFirewallRules
    delegatedSubnetId: postgresDelegatedSubnetId
    privateDnsZoneId: postgresPrivateDnsZoneId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: group
  params: {
    location: location
    tags: tags
    planName: 'plan-${resourceToken}'
    appName: functionAppName
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    postgresHost: postgres.outputs.host
    postgresPort: postgres.outputs.pgBouncerEnabled ? 6432 : 5432
    databaseName: databaseName
    authAuthority: authAuthority
    authAudience: authAudience
    authStaffRole: authStaffRole
    monitorSchedule: monitorSchedule
    corsAllowedOrigins: corsAllowedOrigins
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    subnetId: functionAppSubnetId
  }
}

module access 'modules/access.bicep' = {
  name: 'access'
  scope: group
  params: {
    principalId: functionApp.outputs.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

// Read by azd and by infra/hooks/postprovision.sh (as environment variables). Names and addresses only.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = group.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = functionApp.outputs.url
output AZURE_FUNCTION_APP_PRINCIPAL_ID string = functionApp.outputs.principalId
output POSTGRES_SERVER_NAME string = postgres.outputs.name
output POSTGRES_HOST string = postgres.outputs.host
output POSTGRES_DATABASE string = databaseName
output POSTGRES_ADMIN_NAME string = postgresAdminName
output POSTGRES_PUBLIC_NETWORK_ACCESS string = postgresPublicNetworkAccess
