// Dragon Desk on Azure: what `m365agents.yml` (arm/deploy) provisions in one resource group.
//
//   user-assigned managed identity  the bot's identity (Azure Bot, UserAssignedMSI) and Dragon Desk's
//                                   credential for Microsoft Graph, ARM and PostgreSQL (no secret)
//   App Service (Linux, Node 20)    runs dist/src/main.js; App Service builds it on Linux
//   Azure Bot + Teams channel       botRegistration/azurebot.bicep
//   PostgreSQL Flexible Server      Microsoft Entra authentication only; the identity is its Entra
//                                   administrator, so no password exists anywhere
//   Application Insights            workspace-based; Dragon Desk's OpenTelemetry sends to it
//
// The app settings are Dragon Desk's variables (README, Configuration). Graph application
// permissions cannot be granted from Bicep; README "Production set-up" has the script.

@minLength(4)
@maxLength(20)
@description('Prefix of every resource name; the App Service name must be unique across Azure.')
param resourceBaseName string

param location string = resourceGroup().location

@maxLength(42)
param botDisplayName string = 'Dragon Desk'

@description('App Service plan SKU (B1 is enough for one instance; P0v3 or above for production).')
param appServiceSku string = 'B1'

@description('Azure Bot pricing tier: F0 (free, standard channels such as Teams are free anyway) or S1.')
param botServiceSku string = 'F0'

@description('PostgreSQL Flexible Server compute (Burstable B1ms is the smallest).')
param postgresSkuName string = 'Standard_B1ms'
param postgresSkuTier string = 'Burstable'
param postgresVersion string = '16'
param postgresStorageGb int = 32
param databaseName string = 'dragondesk'

@description('skuPartNumber of the Dragon Copilot nursing SKU, as GET /subscribedSkus shows it.')
param nursingSkuPartNumber string
@description('skuPartNumber of the Dragon Copilot physician SKU, as GET /subscribedSkus shows it.')
param physicianSkuPartNumber string

@description('Object id of the nursing license group, or none (direct assignment / created later in chat).')
param nursingGroupId string = 'none'
@description('Object id of the physician license group, or none.')
param physicianGroupId string = 'none'
@description('Object id of the role-assignable group holding the Dragon Administrator role, or none.')
param dragonAdminGroupId string = 'none'
@description('Object id of the partner operators group, or none.')
param partnerOperatorsGroupId string = 'none'
@description('Partners the organisation works with: Name|MPN id|type+type;… (empty: none).')
param partners string = ''

@description('The Teams app id (teamsApp/create writes it); the doctor checks the org catalog for it.')
param teamsAppId string

param logLevel string = 'info'

// `none` in env/.env.dev keeps the toolkit from refusing an empty value; Dragon Desk reads an
// empty setting as "not configured".
var nursingGroup = nursingGroupId == 'none' ? '' : nursingGroupId
var physicianGroup = physicianGroupId == 'none' ? '' : physicianGroupId
var dragonAdminGroup = dragonAdminGroupId == 'none' ? '' : dragonAdminGroupId
var partnerOperatorsGroup = partnerOperatorsGroupId == 'none' ? '' : partnerOperatorsGroupId

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: resourceBaseName
  location: location
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: resourceBaseName
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: resourceBaseName
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: resourceBaseName
  location: location
  sku: {
    name: postgresSkuName
    tier: postgresSkuTier
  }
  properties: {
    version: postgresVersion
    storage: {
      storageSizeGB: postgresStorageGb
    }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// 0.0.0.0 is Azure's "allow Azure services" rule: App Service's outbound addresses are not fixed
// without VNet integration. Entra authentication still gates every connection.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// The server accepts one operation at a time, hence the explicit order after the database.
resource postgresAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: postgres
  name: identity.properties.principalId
  properties: {
    principalType: 'ServicePrincipal'
    principalName: identity.name
    tenantId: tenant().tenantId
  }
  dependsOn: [
    database
    allowAzure
  ]
}

resource plan 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: resourceBaseName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      // What `npm start` runs after its build, with the same node flag (README, Performance).
      appCommandLine: 'node --v8-pool-size=1 dist/src/main.js'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      healthCheckPath: '/healthz'
      appSettings: [
        {
          name: 'APP_MODE'
          value: 'production'
        }
        {
          name: 'TENANT_ID'
          value: identity.properties.tenantId
        }
        {
          name: 'BOT_APP_ID'
          value: identity.properties.clientId
        }
        {
          name: 'BOT_APP_TYPE'
          value: 'UserAssignedMsi'
        }
        {
          name: 'AZURE_CREDENTIAL'
          value: 'managed-identity'
        }
        {
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          // No password: with DATABASE_AUTH=entra Dragon Desk signs in with the identity's token.
          name: 'DATABASE_URL'
          value: 'postgres://${identity.name}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=verify-full'
        }
        {
          name: 'DATABASE_AUTH'
          value: 'entra'
        }
        {
          name: 'NURSING_SKU_PART_NUMBER'
          value: nursingSkuPartNumber
        }
        {
          name: 'PHYSICIAN_SKU_PART_NUMBER'
          value: physicianSkuPartNumber
        }
        {
          name: 'NURSING_GROUP_ID'
          value: nursingGroup
        }
        {
          name: 'PHYSICIAN_GROUP_ID'
          value: physicianGroup
        }
        {
          name: 'DRAGON_ADMIN_GROUP_ID'
          value: dragonAdminGroup
        }
        {
          name: 'PARTNER_OPERATORS_GROUP_ID'
          value: partnerOperatorsGroup
        }
        {
          name: 'PARTNERS'
          value: partners
        }
        {
          name: 'TEAMS_APP_ID'
          value: teamsAppId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'LOG_LEVEL'
          value: logLevel
        }
        {
          // App Service installs and builds on Linux (native modules match), without devDependencies.
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'true'
        }
        {
          name: 'NPM_CONFIG_OMIT'
          value: 'dev'
        }
      ]
    }
  }
  dependsOn: [
    postgresAdmin
  ]
}

module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    resourceBaseName: resourceBaseName
    botDisplayName: botDisplayName
    botServiceSku: botServiceSku
    identityResourceId: identity.id
    identityClientId: identity.properties.clientId
    identityTenantId: identity.properties.tenantId
    botAppDomain: webApp.properties.defaultHostName
  }
}

// Written to env/.env.<environment> by the toolkit under these names.
output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${webApp.properties.defaultHostName}'
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
// The object id the Graph permissions are granted to (README's script).
output AZURE_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output POSTGRES_SERVER_FQDN string = postgres.properties.fullyQualifiedDomainName
