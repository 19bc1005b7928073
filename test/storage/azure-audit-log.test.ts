// The help desk's audit trail shared by several bot instances (Azure append blobs on Azurite), and
// `npm run audit-log` reading it back, from Azure or from the embedded file.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { FileAuditLog, type AuditEntry } from '../../src/storage/audit-log';
import { AzureAuditLog } from '../../src/storage/azure-audit-log';
import { describeWithAzurite, startAzurite, type Azurite } from '../helpers/azurite';

const ROOT = resolve(__dirname, '..', '..');
const describeAzure = describeWithAzurite(); // skipped locally without Azurite; fails under CI

const entry = (at: string, action: string, by = 'Hana Kim'): AuditEntry => ({ at, actor: { aadObjectId: `id-${by}`, name: by }, action, ticketId: 'PK-7Q2M', outcome: 'done' });

/** `npm run audit-log` as an admin runs it, with this environment (no .env in the cwd). */
async function auditLogCli(env: Record<string, string>, args: string[] = []): Promise<AuditEntry[]> {
  const cwd = mkdtempSync(join(tmpdir(), 'pksb-audit-cli-'));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src/cli/export-audit.ts'), ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), NODE_PATH: join(ROOT, 'node_modules'), ...env },
    });
    return stdout.trim() ? stdout.trim().split('\n').map((l) => JSON.parse(l) as AuditEntry) : [];
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

describeAzure('AzureAuditLog on Azurite', () => {
  let azurite: Azurite;
  beforeAll(async () => {
    azurite = await startAzurite();
  }, 120_000);
  afterAll(async () => {
    await azurite?.stop();
  });

  it('keeps every instance\'s actions in one trail, whole lines, in time order, across days', async () => {
    const containerName = `audit-${Date.now()}`;
    const a = new AzureAuditLog({ connectionString: azurite.connectionString, containerName });
    const b = new AzureAuditLog({ connectionString: azurite.connectionString, containerName });
    await a.append(entry('2026-11-24T23:59:00.000Z', 'take'));
    // Two instances appending at once to the same day's blob.
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).append(entry(`2026-11-25T10:00:${String(i).padStart(2, '0')}.000Z`, 'issueTap', i % 2 ? 'Hana Kim' : 'Ivo Berg'))),
    );

    const all = await b.entries();
    expect(all).toHaveLength(21);
    expect(all[0].action).toBe('take');
    expect(all.map((e) => e.at)).toEqual([...all.map((e) => e.at)].sort());
    expect(new Set(all.map((e) => e.actor.name))).toEqual(new Set(['Hana Kim', 'Ivo Berg']));

    const today = await a.entries(new Date('2026-11-25T10:00:15.000Z'));
    expect(today.map((e) => e.at)).toEqual(['15', '16', '17', '18', '19'].map((s) => `2026-11-25T10:00:${s}.000Z`));
  });

  it('npm run audit-log reads the shared trail when Azure Storage is configured', async () => {
    const prefix = `pk${Date.now().toString(36)}`;
    await new AzureAuditLog({ connectionString: azurite.connectionString, containerName: `${prefix}-audit` }).append(entry('2026-11-25T09:00:00.000Z', 'grantExemption'));
    const printed = await auditLogCli({ AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_STORAGE_PREFIX: prefix });
    expect(printed).toEqual([entry('2026-11-25T09:00:00.000Z', 'grantExemption')]);
  }, 120_000);
});

it('npm run audit-log reads DATA_DIR/audit.jsonl without Azure Storage, from --since on', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pksb-audit-'));
  try {
    const log = new FileAuditLog(join(dataDir, 'audit.jsonl'));
    await log.append(entry('2026-11-25T08:00:00.000Z', 'take'));
    await log.append(entry('2026-11-25T09:00:00.000Z', 'resolve'));
    expect(await auditLogCli({ DATA_DIR: dataDir }, ['--since', '2026-11-25T08:30:00Z'])).toEqual([entry('2026-11-25T09:00:00.000Z', 'resolve')]);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 30_000);
