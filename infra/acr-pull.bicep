// AcrPull for the bot's managed identity on the Azure Container Registry its image comes from
// (main.bicep deploys this into the registry's resource group when the image is on *.azurecr.io).
targetScope = 'resourceGroup'

@description('Name of the registry (the first label of <name>.azurecr.io).')
param registryName string

@description('Principal (object) id of the managed identity that pulls.')
param principalId string

var roleAcrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, principalId, roleAcrPull)
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleAcrPull)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output roleAssignmentId string = pull.id
