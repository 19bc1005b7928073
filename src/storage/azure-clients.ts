// The Azure Storage SDK clients of the scale-out store, from either kind of access (azure-access.ts):
// a connection string, or the account's endpoints with an Entra token (managed identity). The
// store, the audit log and the scheduler build their clients here and nowhere else.
import { TableClient } from '@azure/data-tables';
import { DefaultAzureCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import { ContainerClient, type StoragePipelineOptions } from '@azure/storage-blob';
import { QueueClient } from '@azure/storage-queue';
import { storageEndpoints, type AzureStorageAccess } from './azure-access';

/** One credential per identity, shared by every client of this process (one token cache). */
const credentials = new Map<string, TokenCredential>();

export function storageCredential(clientId?: string): TokenCredential {
  const key = clientId ?? '';
  let credential = credentials.get(key);
  if (!credential) {
    credential = clientId ? new ManagedIdentityCredential({ clientId }) : new DefaultAzureCredential();
    credentials.set(key, credential);
  }
  return credential;
}

function endpointsOf(access: { accountUrl: string }) {
  const endpoints = storageEndpoints(access.accountUrl);
  if (!endpoints) throw new Error(`Not an Azure Storage blob endpoint: ${access.accountUrl}`);
  return endpoints;
}

export function containerClient(access: AzureStorageAccess, containerName: string, pipeline?: StoragePipelineOptions): ContainerClient {
  if ('connectionString' in access) return new ContainerClient(access.connectionString, containerName, pipeline);
  return new ContainerClient(`${endpointsOf(access).blob}/${containerName}`, storageCredential(access.clientId), pipeline);
}

export function tableClient(access: AzureStorageAccess, tableName: string): TableClient {
  if ('connectionString' in access) {
    // Azurite (and any http endpoint) needs the SDK's explicit consent to send over plain HTTP.
    const insecure = /(^|;)\s*(DefaultEndpointsProtocol=http|UseDevelopmentStorage=true|TableEndpoint=http:)/i.test(access.connectionString);
    return TableClient.fromConnectionString(access.connectionString, tableName, { allowInsecureConnection: insecure });
  }
  return new TableClient(endpointsOf(access).table, tableName, storageCredential(access.clientId));
}

export function queueClient(access: AzureStorageAccess, queueName: string): QueueClient {
  if ('connectionString' in access) return new QueueClient(access.connectionString, queueName);
  return new QueueClient(`${endpointsOf(access).queue}/${queueName}`, storageCredential(access.clientId));
}
