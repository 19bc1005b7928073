// npm run audit-log -- [--since ISO_TIME] [--data DIR]
// Prints the help desk's audit trail as JSON lines (who, what, when, ticket, outcome).
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FileAuditLog } from '../helpdesk/audit';

async function main(): Promise<number> {
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
  const dir = resolve(values.data ?? process.env.DATA_DIR ?? 'data');
  for (const entry of await new FileAuditLog(join(dir, 'audit.jsonl')).entries(since)) process.stdout.write(`${JSON.stringify(entry)}\n`);
  return 0;
}

void main().then((code) => (process.exitCode = code));
