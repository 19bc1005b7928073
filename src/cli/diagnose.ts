// npm run diagnose -- --snapshot FILE --user UPN_OR_ID --platform android|iOS [...]
// Reads the snapshot through the real Graph client (loopback emulator in-process), prints the
// diagnosis as JSON (default) or text. Exit 0 when diagnosed, 2 on bad input, with one line on
// stderr naming what is wrong.
import { parseArgs } from 'node:util';
import { diagnosisJson, type DiagnosisJson } from '../cards/diagnosis-json';
import { evidenceWords } from '../cards/evidence-words';
import { remedyWhy } from '../cards/remedy-words';
import type { Diagnosis, RegistrationContext } from '../diagnosis';
import { GraphReadError } from '../graph';
import { loadSnapshotFile, SnapshotError } from '../snapshot';
import { connectGraph, type GraphConnection } from '../support/graph-connection';

export class UsageError extends Error {}

const USAGE =
  'usage: npm run diagnose -- --snapshot FILE --user UPN_OR_ID --platform android|iOS [--android-profile work|personal] [--passkey-profile work|personal] [--bluetooth-restricted] [--cross-device] [--os-version N] [--exemption-group GROUP_ID] [--correlation-id ID] [--at ISO_TIME] [--format json|text]';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DiagnoseArgs {
  snapshot: string;
  user: string;
  format: 'json' | 'text';
  context: RegistrationContext;
  /** The help desk's exemption group (object id): the temporary-exemption remedy is checked. */
  exemptionGroupId?: string;
  /** The Correlation ID (or Request ID) the user pasted: that sign-in is looked up first. */
  correlationId?: string;
}

export function parseDiagnoseArgs(argv: string[], now = new Date()): DiagnoseArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        snapshot: { type: 'string' },
        user: { type: 'string' },
        platform: { type: 'string' },
        'android-profile': { type: 'string' },
        'passkey-profile': { type: 'string' },
        'bluetooth-restricted': { type: 'boolean' },
        'cross-device': { type: 'boolean' },
        'os-version': { type: 'string' },
        'exemption-group': { type: 'string' },
        'correlation-id': { type: 'string' },
        at: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  if (values.help) throw new UsageError(USAGE);
  if (!values.snapshot) throw new UsageError('--snapshot FILE is required');
  if (!values.user) throw new UsageError('--user UPN_OR_ID is required');
  const platform = values.platform?.toLowerCase() === 'ios' ? 'iOS' : values.platform?.toLowerCase() === 'android' ? 'android' : null;
  if (!platform) throw new UsageError(`--platform must be android or iOS${values.platform ? `, got "${values.platform}"` : ''}`);
  const profile = (flag: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    if (v !== 'work' && v !== 'personal') throw new UsageError(`--${flag} must be work or personal, got "${v}"`);
    if (platform !== 'android') throw new UsageError(`--${flag} only makes sense with --platform android`);
    return v;
  };
  let osVersion: number | undefined;
  if (values['os-version'] !== undefined) {
    osVersion = Number(values['os-version']);
    if (!Number.isInteger(osVersion) || osVersion < 1 || osVersion > 99) throw new UsageError(`--os-version must be a major version number, got "${values['os-version']}"`);
  }
  let at = now;
  if (values.at !== undefined) {
    at = new Date(values.at);
    if (Number.isNaN(at.getTime())) throw new UsageError(`--at must be an ISO time such as 2026-10-05T14:00:00Z, got "${values.at}"`);
  }
  const exemptionGroupId = values['exemption-group'];
  if (exemptionGroupId !== undefined && !GUID.test(exemptionGroupId)) {
    throw new UsageError(`--exemption-group must be a group object id (a GUID), got "${exemptionGroupId}"`);
  }
  const correlationId = values['correlation-id']?.trim();
  if (correlationId !== undefined && !GUID.test(correlationId)) {
    throw new UsageError(`--correlation-id must be the Correlation ID or Request ID from the error page (a GUID), got "${values['correlation-id']}"`);
  }
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'text') throw new UsageError(`--format must be json or text, got "${format}"`);
  const androidProfile = profile('android-profile', values['android-profile']);
  const passkeyProfile = profile('passkey-profile', values['passkey-profile']);
  return {
    snapshot: values.snapshot,
    user: values.user,
    format,
    ...(exemptionGroupId ? { exemptionGroupId: exemptionGroupId.toLowerCase() } : {}),
    ...(correlationId ? { correlationId: correlationId.toLowerCase() } : {}),
    context: {
      platform,
      at,
      ...(androidProfile ? { androidProfile } : {}),
      ...(passkeyProfile ? { passkeyProfile } : {}),
      ...(values['cross-device'] ? { crossDevice: true } : {}),
      ...(values['bluetooth-restricted'] ? { bluetoothRestricted: true } : {}),
      ...(osVersion !== undefined ? { osVersion } : {}),
    },
  };
}

/** The contract's JSON: policies as `policyIds`/`policyNames`, remedies without their structured `detail` (that is for cards). */
export function toContractJson(d: Diagnosis): DiagnosisJson {
  return diagnosisJson(d);
}

export function formatText(d: Diagnosis): string {
  const lines = [
    `${d.user.displayName ?? d.user.userPrincipalName} (${d.user.userPrincipalName}) on ${d.context.platform} at ${d.context.at}`,
    '',
  ];
  for (const f of d.findings) {
    lines.push(`${f.blocking ? 'BLOCKING' : 'note    '}  ${f.code}${f.policies.length ? `  [${f.policies.map((p) => p.name).join(', ')}]` : ''}`);
    for (const e of evidenceWords(f)) lines.push(`          - ${e}`);
  }
  lines.push('', 'Workarounds:');
  for (const w of d.workarounds) lines.push(`  ${w.for.padEnd(8)} ${w.code}  (for ${w.finding})`);
  lines.push('', 'Remedies (each applied to the facts and diagnosed again):');
  if (d.remedies.length === 0) lines.push('  none: nothing blocks');
  for (const r of d.remedies) {
    lines.push(`  ${r.for.padEnd(8)} ${r.code}  ${r.clears ? 'CLEARS' : `does not clear (remaining: ${r.remaining.join(', ')})`}`);
    lines.push(`           - ${remedyWhy(r)}`);
  }
  if (d.observed) {
    lines.push('', `Sign-ins (${d.observed.agreement}):`);
    if (d.observed.signIns.length === 0) lines.push('  none relevant in the 24 hours before');
    for (const s of d.observed.signIns) {
      const failed = s.failedPolicyIds.length ? `  failed: ${s.failedPolicyIds.join(', ')}` : '';
      const reportOnly = s.reportOnlyFailedPolicyIds.length ? `  report-only failure: ${s.reportOnlyFailedPolicyIds.join(', ')}` : '';
      lines.push(`  ${s.createdDateTime}  error ${s.errorCode}  app ${s.appId}  sign-in ${s.id}${failed}${reportOnly}`);
    }
  } else {
    lines.push('', 'Sign-ins: not readable (no permission or licence, or a snapshot without signIns).');
  }
  lines.push('', d.escalate ? 'Escalate: the user cannot fix this alone.' : 'The user can fix this themselves.');
  return lines.join('\n');
}

/** Runs the command; returns the exit code. Output goes through the given writers (tests). */
export async function runDiagnose(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  connect: typeof connectGraph = connectGraph,
): Promise<number> {
  let graph;
  try {
    const args = parseDiagnoseArgs(argv);
    const snapshot = loadSnapshotFile(args.snapshot);
    graph = await connect({ snapshot, retryDelaySeconds: 1 });
    const exemptionGroup = args.exemptionGroupId ? await readExemptionGroup(graph.diagnoser, args.exemptionGroupId) : undefined;
    const diagnosis = await graph.diagnoser.diagnose(args.user, args.context, {
      ...(exemptionGroup ? { exemptionGroup } : {}),
      ...(args.correlationId ? { correlationId: args.correlationId } : {}),
      ...(snapshot.tenant.customSecurityAttributesUnreadable === true ? { customSecurityAttributesUnreadable: true } : {}),
    });
    out(args.format === 'json' ? JSON.stringify(toContractJson(diagnosis), null, 2) : formatText(diagnosis));
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof SnapshotError) {
      err(`diagnose: ${e.message}`);
      return 2;
    }
    if (e instanceof GraphReadError) {
      err(`diagnose: ${e.kind === 'notFound' ? `unknown user: ${e.message}` : e.message}`);
      return e.kind === 'notFound' || e.kind === 'badRequest' ? 2 : 1;
    }
    err(`diagnose: unexpected error: ${(e as Error).message}`);
    return 1;
  } finally {
    await graph?.close();
  }
}

async function readExemptionGroup(diagnoser: GraphConnection['diagnoser'], id: string) {
  try {
    return await diagnoser.readExemptionGroup(id);
  } catch (e) {
    if (e instanceof GraphReadError && e.kind === 'notFound') throw new UsageError(`--exemption-group: no group with id "${id}" in the tenant`);
    throw e;
  }
}

if (require.main === module) {
  runDiagnose(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`)).then((code) => {
    process.exitCode = code;
  });
}
