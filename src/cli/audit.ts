// npm run audit -- --snapshot FILE [--format text|json|html] [--out FILE] [--platform android|iOS|both] [--at ISO_TIME] [--sign-in-days N]
// Passkey readiness of the whole tenant: every enabled or report-only Conditional Access policy
// and the authentication methods policy, what stops passkey registration in Microsoft
// Authenticator, for how many users, and the fix; and, when the snapshot holds sign-ins, the failed
// registration attempts per policy over the last N days before --at (default 7). Exit 0 on success, 2 on bad input (one line
// on stderr naming what is wrong), 1 on anything unexpected.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { auditTenant, DEFAULT_SIGN_IN_DAYS, MAX_SIGN_IN_DAYS, renderHtml, renderText, type AuditReport } from '../audit';
import type { Platform } from '../diagnosis';
import { loadSnapshotFile, SnapshotError } from '../snapshot';

export class UsageError extends Error {}

const USAGE = 'usage: npm run audit -- --snapshot FILE [--format text|json|html] [--out FILE] [--platform android|iOS|both] [--at ISO_TIME] [--sign-in-days N]';

export type AuditFormat = 'text' | 'json' | 'html';

export interface AuditArgs {
  snapshot: string;
  format: AuditFormat;
  out?: string;
  platforms: Platform[];
  at: Date;
  /** Sign-ins of this many days before `at` are counted. */
  signInDays: number;
}

export function parseAuditArgs(argv: string[], now = new Date()): AuditArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        snapshot: { type: 'string' },
        format: { type: 'string' },
        out: { type: 'string' },
        platform: { type: 'string' },
        at: { type: 'string' },
        'sign-in-days': { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  if (values.help) throw new UsageError(USAGE);
  if (!values.snapshot) throw new UsageError('--snapshot FILE is required');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json' && format !== 'html') throw new UsageError(`--format must be text, json or html, got "${format}"`);
  const platform = (values.platform ?? 'both').toLowerCase();
  const platforms: Platform[] | null = platform === 'both' ? ['android', 'iOS'] : platform === 'android' ? ['android'] : platform === 'ios' ? ['iOS'] : null;
  if (!platforms) throw new UsageError(`--platform must be android, iOS or both, got "${values.platform}"`);
  let at = now;
  if (values.at !== undefined) {
    at = new Date(values.at);
    if (Number.isNaN(at.getTime())) throw new UsageError(`--at must be an ISO time such as 2026-10-05T14:00:00Z, got "${values.at}"`);
  }
  if (values.out !== undefined && values.out.trim() === '') throw new UsageError('--out needs a file name');
  let signInDays = DEFAULT_SIGN_IN_DAYS;
  const daysArg = values['sign-in-days'];
  if (daysArg !== undefined) {
    signInDays = /^\d+$/.test(daysArg.trim()) ? Number(daysArg.trim()) : NaN;
    if (!(signInDays >= 1 && signInDays <= MAX_SIGN_IN_DAYS)) {
      throw new UsageError(`--sign-in-days must be a whole number of days from 1 to ${MAX_SIGN_IN_DAYS} (Entra keeps sign-ins 30 days), got "${daysArg}"`);
    }
  }
  return { snapshot: values.snapshot, format, ...(values.out !== undefined ? { out: values.out } : {}), platforms, at, signInDays };
}

export function render(report: AuditReport, format: AuditFormat): string {
  return format === 'json' ? JSON.stringify(report, null, 2) : format === 'html' ? renderHtml(report) : renderText(report);
}

/** Runs the command; returns the exit code. Output goes through the given writers (tests). */
export function runAudit(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  try {
    const args = parseAuditArgs(argv);
    const snapshot = loadSnapshotFile(args.snapshot);
    const report = auditTenant(snapshot, { platforms: args.platforms, at: args.at, signInDays: args.signInDays });
    const text = render(report, args.format);
    if (args.out) {
      try {
        writeFileSync(args.out, args.format === 'html' || text.endsWith('\n') ? text : `${text}\n`);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new UsageError(`cannot write ${args.out}: ${code === 'ENOENT' ? 'no such directory' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
      }
      const blocking = report.findings.filter((f) => f.severity === 'blocking').length;
      out(`Wrote the ${args.format} audit of ${report.tenant.displayName ?? report.tenant.id} to ${args.out}: ${report.findings.length} findings (${blocking} blocking), ${report.totals.usersBlocked} users blocked.`);
    } else {
      out(text);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof SnapshotError) {
      err(`audit: ${e.message}`);
      return 2;
    }
    err(`audit: unexpected error: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = runAudit(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`));
}
