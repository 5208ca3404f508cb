// Azure Database for PostgreSQL Flexible Server with Entra ID authentication only (no password exists),
// BTREE_GIST allow-listed (the per-room exclusion constraint needs btree_gist), the built-in PgBouncer where
// the tier offers it, and either public access behind firewall rules or private access in a delegated subnet.
param location string
param tags object
param serverName string
param databaseName string
param version string
param skuTier string
param skuName string
param storageSizeGB int
param adminObjectId string
param adminName string
param adminType string
param publicNetworkAccess string
param allowAzureServices bool
param firewallRules array
param delegatedSubnetId string
param privateDnsZoneId string

// PgBouncer is not offered on Burstable compute; the app then connects to 5432 directly.
var pgBouncerEnabled = skuTier != 'Burstable'
var privateAccess = !empty(delegatedSubnetId)

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: serverName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    createMode: 'Default'
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: { mode: 'Disabled' }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    network: privateAccess
      ? {
          delegatedSubnetResourceId: delegatedSubnetId
          privateDnsZoneArmResourceId: privateDnsZoneId
          publicNetworkAccess: 'Disabled'
        }
      : {
          publicNetworkAccess: publicNetworkAccess
        }
  }
}

// Server parameters are changed one at a time: the service refuses concurrent configuration updates.
resource extensions 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'azure.extensions'
  properties: {
    value: 'BTREE_GIST'
    source: 'user-override'
  }
}

resource pgBouncer 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = if (pgBouncerEnabled) {
  parent: server
  name: 'pgbouncer.enabled'
  properties: {
    value: 'true'
    source: 'user-override'
  }
  dependsOn: [extensions]
}

resource administrator 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: adminObjectId
  properties: {
    principalName: adminName
    principalType: adminType
    tenantId: tenant().tenantId
  }
  dependsOn: [extensions, pgBouncer]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [administrator]
}

resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (!privateAccess && publicNetworkAccess == 'Enabled' && allowAzureServices) {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [database]
}

@batchSize(1)
resource rules 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for rule in (!privateAccess && publicNetworkAccess == 'Enabled' ? firewallRules : []): {
  parent: server
  name: rule.name
  properties: {
    startIpAddress: rule.startIpAddress
    endIpAddress: rule.endIpAddress
  }
  dependsOn: [database, azureServices]
}]

output name string = server.name
output host string = server.properties.fullyQualifiedDomainName
output pgBouncerEnabled bool = pgBouncerEnabled
