// passkey-support-bot on Azure: Linux App Service (Node 22) + Azure Bot (single-tenant) with the
// Microsoft Teams channel, the bot's client secret in Key Vault (read through a Key Vault
// reference by a user-assigned managed identity), a Storage account for the scale-out store,
// and Application Insights. See infra/README.md for the deployment command and docs/deploy.md
// for the app registration, Graph permissions and the Teams app package.
targetScope = 'resourceGroup'

@description('Base name of the resources (letters, digits and single hyphens).')
@minLength(3)
@maxLength(20)
param name string = 'passkey-bot'

@description('Region of the App Service, Key Vault, Storage and monitoring resources (the Azure Bot itself is global).')
param location string = resourceGroup().location

@description('Application (client) id of the bot\'s single-tenant Entra app registration (MicrosoftAppId).')
param botAppId string

@description('Tenant of that app registration (MicrosoftAppTenantId).')
param botTenantId string = tenant().tenantId

@description('Client secret of that app registration (MicrosoftAppPassword). Stored in Key Vault only.')
@secure()
param botAppPassword string

@description('The Microsoft Entra tenant the bot serves (TENANT_ID). Defaults to the app registration\'s tenant.')
param servedTenantId string = botTenantId

@description('How the bot reads Microsoft Graph: with the app registration\'s secret, or with the user-assigned managed identity (grant it the Graph application permissions first; see docs/deploy.md).')
@allowed([
  'clientSecret'
  'managedIdentity'
])
param graphAuth string = 'clientSecret'

@description('Entra group whose members act on help-desk tickets (HELPDESK_GROUP_ID). Empty: tickets are off.')
param helpDeskGroupId string = ''

@description('Teams channel id for ticket cards, 19:...@thread.tacv2 (HELPDESK_CHANNEL_ID). Can be set after the first deployment.')
param helpDeskChannelId string = ''

@description('Optional JSON webhook for ticket events (HELPDESK_WEBHOOK_URL).')
param helpDeskWebhookUrl string = ''

@description('Entra group excluded from the blocking Conditional Access policies (EXEMPTION_GROUP_ID). Empty: no exemptions.')
param exemptionGroupId string = ''

@description('App Service plan SKU (B1 or larger: Always On needs it).')
param appServiceSku string = 'B1'

@description('Azure Bot SKU. The Microsoft Teams channel is a standard channel: F0 is enough.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

param tags object = {
  app: 'passkey-support-bot'
}

var suffix = uniqueString(resourceGroup().id, name)
var webAppName = '${name}-${suffix}'
var botName = '${name}-bot-${suffix}'
var keyVaultName = take('kv${replace(name, '-', '')}${suffix}', 24)
var storageName = take('st${toLower(replace(name, '-', ''))}${suffix}', 24)

// Built-in role definitions.
var roleKeyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var roleStorageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var roleStorageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var roleStorageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'

// ---- identity ---------------------------------------------------------------------------------

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
  tags: tags
}

// ---- monitoring -------------------------------------------------------------------------------

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${name}-logs-${suffix}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai-${suffix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

// ---- secrets ----------------------------------------------------------------------------------

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    publicNetworkAccess: 'Enabled'
  }
}

resource botPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'MicrosoftAppPassword'
  properties: {
    value: botAppPassword
    contentType: 'Client secret of the bot\'s Entra app registration'
  }
}

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, identity.id, roleKeyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleKeyVaultSecretsUser)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

// ---- storage (scale-out store) ----------------------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'bot-state'
  properties: {
    publicAccess: 'None'
  }
}

// The store's SDK clients take a connection string; it is a secret, so it lives in Key Vault too.
resource storageSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'StorageConnectionString'
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
    contentType: 'Connection string of the scale-out store account'
  }
}

// For identity-based access (no key) when the store supports it.
var storageDataRoles = [
  roleStorageBlobDataContributor
  roleStorageTableDataContributor
  roleStorageQueueDataContributor
]

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageDataRoles: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

// ---- hosting ----------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan-${suffix}'
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: appServiceSku
  }
  properties: {
    reserved: true // Linux
  }
}

// GRAPH_CLIENT_ID / GRAPH_CLIENT_SECRET default to MicrosoftAppId / MicrosoftAppPassword.
var graphSecretSettings = [
  { name: 'GRAPH_AUTH', value: 'clientSecret' }
]
var graphIdentitySettings = [
  { name: 'GRAPH_AUTH', value: 'managedIdentity' }
  { name: 'GRAPH_CLIENT_ID', value: identity.properties.clientId }
]

var baseSettings = [
  // Bot Framework
  { name: 'MicrosoftAppId', value: botAppId }
  { name: 'MicrosoftAppPassword', value: '@Microsoft.KeyVault(SecretUri=${botPasswordSecret.properties.secretUri})' }
  { name: 'MicrosoftAppType', value: 'SingleTenant' }
  { name: 'MicrosoftAppTenantId', value: botTenantId }
  { name: 'TENANT_ID', value: servedTenantId }
  // Help desk
  { name: 'HELPDESK_GROUP_ID', value: helpDeskGroupId }
  { name: 'HELPDESK_CHANNEL_ID', value: helpDeskChannelId }
  { name: 'HELPDESK_WEBHOOK_URL', value: helpDeskWebhookUrl }
  { name: 'EXEMPTION_GROUP_ID', value: exemptionGroupId }
  // Hosting: App Service sets PORT; /home is persistent and shared by the instances.
  { name: 'DATA_DIR', value: '/home/data' }
  { name: 'NO_PLAYGROUND', value: '1' }
  { name: 'NODE_ENV', value: 'production' }
  // The package is built before deployment (dist/ + production node_modules): no Oryx build.
  { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'false' }
  // Scale-out store (Azure Blob / Table / Queue): its connection string, from Key Vault. Match the
  // name to the setting the store reads in .env.example when it lands.
  { name: 'AZURE_STORAGE_CONNECTION_STRING', value: '@Microsoft.KeyVault(SecretUri=${storageSecret.properties.secretUri})' }
  // Monitoring (App Service's Node.js auto-instrumentation)
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  { name: 'ApplicationInsightsAgent_EXTENSION_VERSION', value: '~3' }
]

var appSettings = concat(baseSettings, graphAuth == 'managedIdentity' ? graphIdentitySettings : graphSecretSettings)

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  tags: tags
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
    clientAffinityEnabled: false
    // Key Vault references are resolved with this identity (it has Key Vault Secrets User).
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      // The major the Dockerfile pins and CI tests on (not 24 yet: restify 11 does not load there).
      linuxFxVersion: 'NODE|22-lts'
      appCommandLine: 'node dist/index.js'
      alwaysOn: true
      healthCheckPath: '/healthz'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: appSettings
    }
  }
  dependsOn: [
    vaultSecretsUser
  ]
}

// ---- Azure Bot + Microsoft Teams channel ------------------------------------------------------

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botName
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'Passkey help'
    description: 'Why you cannot add a passkey in Microsoft Authenticator, and what to do about it.'
    endpoint: 'https://${webApp.properties.defaultHostName}/api/messages'
    msaAppId: botAppId
    msaAppType: 'SingleTenant'
    msaAppTenantId: botTenantId
    developerAppInsightKey: appInsights.properties.InstrumentationKey
    disableLocalAuth: false
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: bot
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

// ---- outputs ----------------------------------------------------------------------------------

@description('BOT_DOMAIN for npm run package.')
output botDomain string = webApp.properties.defaultHostName

@description('The Azure Bot\'s messaging endpoint.')
output messagingEndpoint string = 'https://${webApp.properties.defaultHostName}/api/messages'

output webAppName string = webApp.name
output botName string = bot.name
output keyVaultName string = vault.name
output storageAccountName string = storage.name
output managedIdentityClientId string = identity.properties.clientId
output managedIdentityPrincipalId string = identity.properties.principalId
