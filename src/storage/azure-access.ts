// How the bot reaches its Azure Storage account (the scale-out store): with a connection string
// (Azurite, or an account that still allows shared keys), or with the account's blob endpoint and
// a Microsoft Entra token (a managed identity in Azure; no account key anywhere). This file only
// parses and names the endpoints; azure-clients.ts builds the SDK clients from it.

export type AzureStorageAccess =
  /** AZURE_STORAGE_CONNECTION_STRING: a key or SAS in the string, or Azurite's development account. */
  | { connectionString: string }
  /**
   * AZURE_STORAGE_ACCOUNT_URL (+ AZURE_STORAGE_CLIENT_ID): Entra ID tokens. With a client id, that
   * user-assigned managed identity; without, DefaultAzureCredential (a system-assigned identity, or
   * `az login` on a workstation).
   */
  | { accountUrl: string; clientId?: string };

export interface AzureStorageEndpoints {
  account: string;
  blob: string;
  queue: string;
  table: string;
}

const BLOB_ENDPOINT = /^https:\/\/([a-z0-9]{3,24})\.blob\.((?:[a-z0-9-]+\.)+[a-z]{2,})\/?$/i;

/**
 * The three service endpoints of an account from its blob endpoint
 * (https://<account>.blob.core.windows.net, or a national cloud's suffix), or undefined when the
 * URL is not one.
 */
export function storageEndpoints(accountUrl: string): AzureStorageEndpoints | undefined {
  const m = BLOB_ENDPOINT.exec(accountUrl.trim());
  if (!m) return undefined;
  const account = m[1].toLowerCase();
  const suffix = m[2].toLowerCase();
  return { account, blob: `https://${account}.blob.${suffix}`, queue: `https://${account}.queue.${suffix}`, table: `https://${account}.table.${suffix}` };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which access the settings ask for; every problem is pushed to `problems` (one line each, named
 * by setting) and the result is then undefined. Nothing set: undefined (the embedded store).
 */
export function azureStorageAccess(
  settings: { connectionString?: string; accountUrl?: string; clientId?: string },
  problems: string[],
): AzureStorageAccess | undefined {
  const { connectionString, accountUrl, clientId } = settings;
  const before = problems.length;
  if (connectionString && accountUrl) {
    problems.push('AZURE_STORAGE_ACCOUNT_URL: set either it (managed identity) or AZURE_STORAGE_CONNECTION_STRING (a key), not both');
  }
  if (accountUrl && !storageEndpoints(accountUrl)) {
    problems.push(`AZURE_STORAGE_ACCOUNT_URL: expected the account's blob endpoint, https://<account>.blob.core.windows.net, got "${accountUrl}"`);
  }
  if (clientId !== undefined) {
    if (!accountUrl) problems.push('AZURE_STORAGE_CLIENT_ID: only applies with AZURE_STORAGE_ACCOUNT_URL (the managed identity that reads the account)');
    if (!GUID.test(clientId)) problems.push(`AZURE_STORAGE_CLIENT_ID: expected a GUID (the managed identity's client id), got "${clientId}"`);
  }
  if (problems.length > before) return undefined;
  if (connectionString) return { connectionString };
  if (accountUrl) return clientId ? { accountUrl: storageEndpoints(accountUrl)!.blob, clientId } : { accountUrl: storageEndpoints(accountUrl)!.blob };
  return undefined;
}
