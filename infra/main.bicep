// passkey-support-bot on Azure, without a secret or an account key anywhere:
//
// - the container image the repository's Dockerfile builds, on Azure Container Apps (a workload-
//   profiles environment, Consumption), with external HTTPS ingress on the bot's port, startup and
//   liveness probes on /healthz, a readiness probe on /readyz, and an HTTP scale rule;
// - one user-assigned managed identity that is the bot (Azure Bot msaAppType UserAssignedMSI), reads
//   Microsoft Graph (its application permissions are granted outside this template: see
//   docs/admin/deploy.md), reads and writes the scale-out store (Storage data roles; the account
//   refuses shared keys) and pulls the image from Azure Container Registry (AcrPull);
// - Azure Storage as the store shared by the replicas (blobs: state and audit trail; table and
//   queue: scheduled jobs), so the app may run more than one replica;
// - Key Vault (RBAC, soft delete, purge protection) for the one optional secret, the help desk's
//   webhook URL;
// - Log Analytics with workspace-based Application Insights (the bot's OpenTelemetry export reads
//   APPLICATIONINSIGHTS_CONNECTION_STRING), and diagnostic settings that send the logs of the
//   Container Apps environment, the app, the Azure Bot, Key Vault and Storage there.
//
// There is no Bicep compiler in the repository's toolchain: test/infra/bicep.test.ts reviews this
// file as text (settings against src/config.ts, parameters and outputs, security properties). Run
// `az bicep build --file infra/main.bicep` before the first deployment (infra/README.md).
targetScope = 'resourceGroup'

@description('Base name of the resources (letters, digits and single hyphens).')
@minLength(3)
@maxLength(20)
param name string = 'passkey-bot'

@description('Region of every resource except the Azure Bot (global).')
param location string = resourceGroup().location

@description('The image to run: registry/repository:tag (or @sha256 digest), built from the repository\'s Dockerfile. An Azure Container Registry (*.azurecr.io) is pulled with the managed identity.')
param image string

@description('Resource group of that Azure Container Registry, when it is not this one.')
param registryResourceGroup string = resourceGroup().name

@description('Which SDK serves Teams (BOT_SDK): botbuilder (default) or agents (Microsoft 365 Agents SDK).')
@allowed([
  'botbuilder'
  'agents'
])
param botSdk string = 'botbuilder'

@description('Entra group whose members act on help-desk tickets (HELPDESK_GROUP_ID). Empty: tickets are off.')
param helpDeskGroupId string = ''

@description('Teams channel id for ticket cards, 19:...@thread.tacv2 (HELPDESK_CHANNEL_ID). Can be set after the first deployment.')
param helpDeskChannelId string = ''

@description('Optional JSON webhook for ticket events (HELPDESK_WEBHOOK_URL). Often carries a signature, so it goes to Key Vault only.')
@secure()
param helpDeskWebhookUrl string = ''

@description('Entra group excluded from the blocking Conditional Access policies (EXEMPTION_GROUP_ID). Empty: no exemptions.')
param exemptionGroupId string = ''

@description('Entra group whose members may run passkey campaigns (ADMIN_GROUP_ID). Optional.')
param adminGroupId string = ''

@description('Names the store\'s container, table and queue (AZURE_STORAGE_PREFIX): 3-31 lowercase letters and digits.')
@minLength(3)
@maxLength(31)
param storagePrefix string = 'passkeybot'

@description('Replicas that always run. At least 1: the scheduler removes temporary exemptions on time only while a replica runs.')
@minValue(1)
param minReplicas int = 1

@description('Most replicas under load. More than one is safe because the store is Azure Storage (the embedded file store serves one process only).')
@minValue(1)
@maxValue(30)
param maxReplicas int = 3

@description('vCPU of the container; memory is twice this in GiB.')
@allowed([
  '0.5'
  '1'
  '2'
])
param cpu string = '0.5'

@description('Azure Bot SKU. The Microsoft Teams channel is a standard channel: F0 is enough.')
@allowed([
  'F0'
  'S1'
])
param botSku string = 'F0'

@description('Days the Log Analytics workspace keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

param tags object = {
  app: 'passkey-support-bot'
}

var suffix = uniqueString(resourceGroup().id, name)
var port = 3978 // the Dockerfile's EXPOSE and PORT
var keyVaultName = take('kv${replace(name, '-', '')}${suffix}', 24)
var storageName = take('st${toLower(replace(name, '-', ''))}${suffix}', 24)
var registryServer = toLower(split(image, '/')[0])
var pullWithIdentity = endsWith(registryServer, '.azurecr.io')
var webhookSecretName = 'HelpDeskWebhookUrl'
var memoryOf = {
  '0.5': '1Gi'
  '1': '2Gi'
  '2': '4Gi'
}

// Built-in role definitions.
var roleKeyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var roleStorageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var roleStorageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var roleStorageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'

// ---- identity ---------------------------------------------------------------------------------
// The bot's one identity. Create it (same name) and grant its Graph application permissions BEFORE
// the first deployment: a managed identity's tokens are cached for up to 24 hours, so permissions
// granted after the bot first asked may take that long to apply. Deploying again keeps it.

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
    retentionInDays: logRetentionDays
  }
}

// Workspace-based: the bot's traces, metrics and logs land in the same workspace as the platform's.
resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai-${suffix}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    IngestionMode: 'LogAnalytics'
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
    // Cannot be turned off again; a deleted vault's name stays taken for the retention period.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled' // Container Apps (Consumption, no VNet) reads it over the internet
  }
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(helpDeskWebhookUrl)) {
  parent: vault
  name: webhookSecretName
  properties: {
    value: helpDeskWebhookUrl
    contentType: 'URL of the help desk\'s ticket webhook (HELPDESK_WEBHOOK_URL)'
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

// ---- storage (the store shared by the replicas) ------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    // Entra ID only: no account key or SAS works, so none can leak. The bot reads the account with
    // the managed identity (AZURE_STORAGE_ACCOUNT_URL + AZURE_STORAGE_CLIENT_ID).
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    accessTier: 'Hot'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// The names the bot uses (src/index.ts); it would create them itself, this only makes them visible.
resource stateContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: '${storagePrefix}-state'
  properties: {
    publicAccess: 'None'
  }
}

resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: '${storagePrefix}-audit'
  properties: {
    publicAccess: 'None'
  }
}

resource jobsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: '${storagePrefix}jobs'
}

resource jobsQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: '${storagePrefix}-jobs'
}

// What the bot does with each: blobs (state, conversation references, tickets; the audit trail's
// append blobs), a table (job entities) and a queue (due-job messages). The account holds nothing else.
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

// ---- image pull --------------------------------------------------------------------------------

module acrPull 'acr-pull.bicep' = if (pullWithIdentity) {
  name: 'acr-pull-${suffix}'
  scope: resourceGroup(registryResourceGroup)
  params: {
    registryName: split(registryServer, '.')[0]
    principalId: identity.properties.principalId
  }
}

// ---- hosting: Azure Container Apps -------------------------------------------------------------

// Logs go to Azure Monitor and from there, by the diagnostic setting below, to the workspace: no
// workspace key is handed to the environment.
resource appEnvironment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: take(toLower('${name}-env-${suffix}'), 32)
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
  }
}

// Every setting the container gets is one src/config.ts (or src/) reads: test/infra/bicep.test.ts
// checks this list against the code, and that the bot starts in online mode with it. Empty
// optional values are left out (the bot treats them as unset anyway).
var settings = [
  { name: 'PORT', value: string(port) }
  { name: 'BOT_SDK', value: botSdk }
  // The Azure Bot is the managed identity: no app registration, no client secret.
  { name: 'MicrosoftAppType', value: 'UserAssignedMSI' }
  { name: 'MicrosoftAppId', value: identity.properties.clientId }
  { name: 'MicrosoftAppTenantId', value: identity.properties.tenantId }
  // A managed identity reads the directory of its own tenant only: the bot serves that tenant.
  { name: 'TENANT_ID', value: identity.properties.tenantId }
  { name: 'GRAPH_AUTH', value: 'managedIdentity' }
  { name: 'GRAPH_CLIENT_ID', value: identity.properties.clientId }
  // The store: Entra tokens of the same identity (the account allows no shared key).
  { name: 'AZURE_STORAGE_ACCOUNT_URL', value: storage.properties.primaryEndpoints.blob }
  { name: 'AZURE_STORAGE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'AZURE_STORAGE_PREFIX', value: storagePrefix }
  // OpenTelemetry to Application Insights. The connection string is not a credential (it only
  // lets telemetry in), so it is a plain setting.
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsights.properties.ConnectionString }
  // Help desk, exemptions, campaigns.
  { name: 'HELPDESK_GROUP_ID', value: helpDeskGroupId }
  { name: 'HELPDESK_CHANNEL_ID', value: helpDeskChannelId }
  { name: 'EXEMPTION_GROUP_ID', value: exemptionGroupId }
  { name: 'ADMIN_GROUP_ID', value: adminGroupId }
]
var secretSettings = empty(helpDeskWebhookUrl) ? [] : [
  { name: 'HELPDESK_WEBHOOK_URL', secretRef: 'helpdesk-webhook-url' }
]
var containerEnv = concat(filter(settings, s => !empty(s.value)), secretSettings)

// Container Apps reads the Key Vault secret with the identity (versionless URI: a new version is
// picked up without a redeployment).
var appSecrets = empty(helpDeskWebhookUrl) ? [] : [
  {
    name: 'helpdesk-webhook-url'
    keyVaultUrl: '${vault.properties.vaultUri}secrets/${webhookSecretName}'
    identity: identity.id
  }
]

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: take(toLower('${name}-${suffix}'), 32) // Container Apps: at most 32 lowercase characters
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    environmentId: appEnvironment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false // HTTP is redirected to HTTPS; Bot Framework calls HTTPS only
        traffic: [
          {
            latestRevision: true
            weight: 100
          }
        ]
      }
      registries: pullWithIdentity ? [
        {
          server: registryServer
          identity: identity.id
        }
      ] : []
      secrets: appSecrets
    }
    template: {
      containers: [
        {
          name: 'bot'
          image: image
          resources: {
            cpu: json(cpu)
            memory: memoryOf[cpu]
          }
          env: containerEnv
          probes: [
            {
              // Start-up: the process listens (restify up); up to 2 minutes.
              type: 'Startup'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 5
              failureThreshold: 24
              timeoutSeconds: 3
            }
            {
              // Liveness: a hung process is restarted.
              type: 'Liveness'
              httpGet: {
                path: '/healthz'
                port: port
              }
              periodSeconds: 30
              failureThreshold: 3
              timeoutSeconds: 5
            }
            {
              // Readiness: the store takes a write and this replica has read the tenant from Graph.
              // The bot bounds its own checks by READINESS_TIMEOUT_MS (3 s), under this timeout.
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: port
              }
              periodSeconds: 15
              failureThreshold: 3
              timeoutSeconds: 5
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http'
            http: {
              metadata: {
                concurrentRequests: '50'
              }
            }
          }
        ]
      }
    }
  }
  dependsOn: [
    acrPull
    storageRoles
    vaultSecretsUser
    webhookSecret
  ]
}

// ---- Azure Bot + Microsoft Teams channel ------------------------------------------------------

resource bot 'Microsoft.BotService/botServices@2022-09-15' = {
  name: '${name}-bot-${suffix}'
  location: 'global'
  tags: tags
  kind: 'azurebot'
  sku: {
    name: botSku
  }
  properties: {
    displayName: 'Passkey help'
    description: 'Why you cannot add a passkey in Microsoft Authenticator, and what to do about it.'
    endpoint: 'https://${app.properties.configuration.ingress.fqdn}/api/messages'
    msaAppType: 'UserAssignedMSI'
    msaAppId: identity.properties.clientId
    msaAppTenantId: identity.properties.tenantId
    msaAppMSIResourceId: identity.id
    // The Azure Bot takes no Application Insights connection string (only the retired
    // instrumentation key): the bot's own telemetry goes through APPLICATIONINSIGHTS_CONNECTION_STRING
    // and the channel's request log through the diagnostic setting below.
    disableLocalAuth: true
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

// ---- diagnostic settings: everything to Log Analytics -------------------------------------------

var allLogs = [
  {
    categoryGroup: 'allLogs'
    enabled: true
  }
]
var allMetrics = [
  {
    category: 'AllMetrics'
    enabled: true
  }
]
var transactionMetrics = [
  {
    category: 'Transaction'
    enabled: true
  }
]

resource environmentDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: appEnvironment
  properties: {
    workspaceId: logs.id
    logs: allLogs // console (the bot's JSON lines) and system logs of every app in the environment
    metrics: allMetrics
  }
}

resource appDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: app
  properties: {
    workspaceId: logs.id
    metrics: allMetrics
  }
}

resource botDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: bot
  properties: {
    workspaceId: logs.id
    logs: allLogs // BotRequest: what the channel sent and what the bot's endpoint answered
    metrics: allMetrics
  }
}

resource vaultDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: vault
  properties: {
    workspaceId: logs.id
    logs: allLogs // AuditEvent: every secret read
    metrics: allMetrics
  }
}

resource storageDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: storage
  properties: {
    workspaceId: logs.id
    metrics: transactionMetrics
  }
}

resource blobDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: blobService
  properties: {
    workspaceId: logs.id
    logs: allLogs
    metrics: transactionMetrics
  }
}

resource queueDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: queueService
  properties: {
    workspaceId: logs.id
    logs: allLogs
    metrics: transactionMetrics
  }
}

resource tableDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: tableService
  properties: {
    workspaceId: logs.id
    logs: allLogs
    metrics: transactionMetrics
  }
}

// ---- outputs ----------------------------------------------------------------------------------

@description('BOT_DOMAIN for npm run package.')
output botDomain string = app.properties.configuration.ingress.fqdn

@description('MicrosoftAppId for npm run package: the managed identity\'s client id.')
output botAppId string = identity.properties.clientId

@description('The Azure Bot\'s messaging endpoint.')
output messagingEndpoint string = 'https://${app.properties.configuration.ingress.fqdn}/api/messages'

output containerAppName string = app.name
output botName string = bot.name
output keyVaultName string = vault.name
output storageAccountName string = storage.name
output logAnalyticsWorkspaceName string = logs.name

@description('Grant the Graph application permissions to this service principal (object id).')
output managedIdentityPrincipalId string = identity.properties.principalId
output managedIdentityClientId string = identity.properties.clientId
