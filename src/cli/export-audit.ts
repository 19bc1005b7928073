// npm run audit-log -- [--since ISO_TIME] [--data DIR]
// Prints the help desk's audit trail as JSON lines (who, what, when, ticket, outcome): from Azure
// Storage when AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_URL is set (every
// instance's actions), else from DATA_DIR/audit.jsonl.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_AZURE_PREFIX } from '../config';
import { azureStorageAccess } from '../storage/azure-access';
import { auditLogFor } from '../storage/azure-audit-log';

async function main(): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let values;
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), options: { since: { type: 'string' }, data: { type: 'string' } } }));
  } catch (e) {
    process.stderr.write(`audit-log: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  const since = values.since ? new Date(values.since) : undefined;
  if (since && Number.isNaN(since.getTime())) {
    process.stderr.write(`audit-log: --since must be an ISO time, got "${values.since}"\n`);
    return 2;
  }
  // Only the store settings matter here (the bot's other settings may be absent where this runs).
  const env = (name: string) => process.env[name]?.trim() || undefined;
  const problems: string[] = [];
  const access = azureStorageAccess({ connectionString: env('AZURE_STORAGE_CONNECTION_STRING'), accountUrl: env('AZURE_STORAGE_ACCOUNT_URL'), clientId: env('AZURE_STORAGE_CLIENT_ID') }, problems);
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`audit-log: ${problem}\n`);
    return 2;
  }
  const azureStorage = access ? { ...access, prefix: (process.env.AZURE_STORAGE_PREFIX ?? DEFAULT_AZURE_PREFIX).toLowerCase() } : undefined;
  const dataDir = resolve(values.data ?? process.env.DATA_DIR ?? 'data');
  for (const entry of await auditLogFor({ dataDir, azureStorage }).entries(since)) process.stdout.write(`${JSON.stringify(entry)}\n`);
  return 0;
}

void main().then((code) => (process.exitCode = code));
