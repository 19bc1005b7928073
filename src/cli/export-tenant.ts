// npm run export-tenant -- --out FILE [--concurrency N] [--max-users N] [--sign-in-days N] [--per-user]
// Reads the real tenant through Microsoft Graph, with the bot's own configuration and Graph client,
// and writes it as a tenant snapshot (docs/contracts/tenant-snapshot.md), the file that
// `npm run audit` and `npm run diagnose` read. Exit 0 when written, 2 on bad usage or
// configuration, 1 when Graph fails (or anything unexpected), with one line on stderr. The file
// holds no secret: a Temporary Access Pass value is dropped even if Graph returned one.
//
// By default the tenant is read the way its size asks for (src/graph/tenant-export.ts: pages,
// the groups and roles the policies name, the activity report, per-user reads only where the report
// cannot settle a user's methods). --per-user reads every user with a $batch of their own (user,
// groups, methods, devices): exact nesting and every group, but one Graph request per user and item.
// docs/admin/export-tenant.md says what each needs and costs.
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Client } from '@microsoft/microsoft-graph-client';
import type { DirectoryObject, Group } from '@microsoft/microsoft-graph-types';
import { ConfigError, DEMO_SNAPSHOT, loadConfig } from '../config';
import { createCredential, createGraphClient, GraphReadError, readUserFacts } from '../graph';
import { graphGet, readAll } from '../graph/read';
import { readTenantPolicies } from '../graph/tenant-facts';
import { exportTenantScalable, pagedReader, readRegistrationSignIns, type ScalableExportStats } from '../graph/tenant-export';
import { resendOnDrop, type BatchRetry } from '../graph/tenant-export-batch';
import { clean, forEachConcurrently, listUsers, readOrganization, referencedGroupIds } from '../graph/tenant-export-common';
import type { UserFacts } from '../diagnosis/facts';
import {
  SnapshotError,
  validateSnapshot,
  type SnapshotAuthenticationStrength,
  type SnapshotConditionalAccessPolicy,
  type SnapshotGroup,
  type SnapshotMethodConfiguration,
  type SnapshotNamedLocation,
  type SnapshotRoleAssignment,
  type SnapshotServicePrincipal,
  type SnapshotUser,
  type TenantSnapshot,
} from '../snapshot';

export class UsageError extends Error {}
/** The export could not be finished (nothing written, or not all of it): exit 1. */
export class ExportError extends Error {}

const USAGE =
  'usage: npm run export-tenant -- --out FILE [--concurrency N (default 8)] [--max-users N] [--sign-in-days N (default 0: none)] [--per-user (every user read one by one, for comparison)]';
const OFFLINE =
  'needs the online configuration (the bot\'s Graph credentials in .env or the environment: MicrosoftAppId/GRAPH_CLIENT_ID with a secret, a certificate or a managed identity); offline there is nothing to export — the demo snapshot is ' +
  DEMO_SNAPSHOT;

export interface ExportTenantArgs {
  out: string;
  concurrency: number;
  maxUsers?: number;
  /** Include the registration sign-ins of the last N days (0: none). */
  signInDays: number;
  /** The old export: every user read with a $batch of their own. */
  perUser: boolean;
}

export function parseExportTenantArgs(argv: string[]): ExportTenantArgs | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: 'string' },
        concurrency: { type: 'string' },
        'max-users': { type: 'string' },
        'sign-in-days': { type: 'string' },
        'per-user': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
  if (values.help) return 'help';
  if (values.out === undefined || values.out.trim() === '') throw new UsageError(`--out FILE is required (${USAGE})`);
  const whole = (flag: string, raw: string | undefined, max: number, min = 1): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || n < min || n > max) throw new UsageError(`--${flag} must be a whole number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  const maxUsers = whole('max-users', values['max-users'], Number.MAX_SAFE_INTEGER);
  // The sign-in log keeps 30 days (with an Entra ID P1 licence).
  const signInDays = whole('sign-in-days', values['sign-in-days'], 30, 0) ?? 0;
  return {
    out: values.out,
    concurrency: whole('concurrency', values.concurrency, 64) ?? 8,
    ...(maxUsers !== undefined ? { maxUsers } : {}),
    signInDays,
    perUser: values['per-user'] === true,
  };
}

export interface ExportTenantOptions {
  /** The Graph client to read through (tests: the real client pointed at the emulator). Default: built from the bot's configuration. */
  client?: Client;
  /** Default process.env (the CLI loads .env into it first). */
  env?: NodeJS.ProcessEnv;
  /** Where relative paths in the configuration resolve; default the working directory. */
  root?: string;
  /** A progress line every this many users; default 1000. */
  progressEvery?: number;
  /** The end of the sign-in window; default now. */
  now?: () => Date;
  /** Inner $batch retries of the scalable export (tests: a fake clock). */
  retry?: BatchRetry;
}

/** Runs the command; returns the exit code. Output goes through the given writers (tests). */
export async function runExportTenant(
  argv: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  options: ExportTenantOptions = {},
): Promise<number> {
  const started = Date.now();
  try {
    const args = parseExportTenantArgs(argv);
    if (args === 'help') {
      out(USAGE);
      return 0;
    }
    const target = resolve(options.root ?? process.cwd(), args.out);
    checkWritable(target, args.out);
    let client = options.client;
    let fallbackTenantId: string | undefined;
    if (!client) {
      const config = loadConfig(options.env ?? process.env, options.root ?? process.cwd());
      if (config.offline || config.graph.auth.kind === 'static') throw new UsageError(OFFLINE);
      fallbackTenantId = config.tenantId;
      client = createGraphClient({
        credential: createCredential(config.graph.auth),
        baseUrl: config.graph.baseUrl,
        timeoutMs: config.graph.timeoutMs,
        // Nobody is waiting on a chat answer: wait out longer throttling than the bot does.
        maxRetries: 6,
        maxRetryAfterSeconds: 120,
      });
    }
    const warnings: string[] = [];
    const warn = (line: string) => {
      warnings.push(line);
      err(`export-tenant: warning: ${line}`);
    };
    const progress = (line: string) => err(`export-tenant: ${line}`);
    const { snapshot, stats } = args.perUser
      ? await exportTenant(client, {
          concurrency: args.concurrency,
          maxUsers: args.maxUsers,
          fallbackTenantId,
          progressEvery: options.progressEvery ?? 1000,
          progress,
          started,
          signInDays: args.signInDays,
          now: options.now,
          warn,
        })
      : await exportTenantScalable(client, {
          concurrency: args.concurrency,
          maxUsers: args.maxUsers,
          fallbackTenantId,
          signInDays: args.signInDays,
          progress,
          warn,
          now: options.now,
          retry: options.retry,
        });
    try {
      validateSnapshot(snapshot);
    } catch (e) {
      if (e instanceof SnapshotError) throw new ExportError(`the export is not a valid snapshot (nothing written): ${e.message}`);
      throw e;
    }
    writeAtomically(target, args.out, `${JSON.stringify(snapshot, null, 2)}\n`);
    const scalable = args.perUser ? undefined : (stats as ScalableExportStats);
    const notes = [
      stats.vanishedUsers ? `${plural(stats.vanishedUsers, 'user')} deleted during the export left out` : '',
      stats.missingGroups ? `${plural(stats.missingGroups, 'group')} named in policies but deleted, kept empty` : '',
      stats.organizationNameUnread ? 'tenant name not readable (Organization.Read.All)' : '',
      scalable ? `${plural(scalable.methodReads, 'user')}' methods read one by one` : '',
      snapshot.signIns ? `${plural(snapshot.signIns.length, 'sign-in')} of the last ${plural(args.signInDays, 'day')}` : '',
      scalable ? `${plural(scalable.tally.http, 'HTTP request')} to Graph, ${plural(scalable.tally.graph, 'Graph request')} counting each in a $batch` : '',
    ].filter(Boolean);
    err(
      `export-tenant: wrote ${args.out}: ${plural(snapshot.users.length, 'user')}, ${plural(snapshot.groups.length, 'group')}, ` +
        `${plural(snapshot.conditionalAccessPolicies.length, 'Conditional Access policy', 'Conditional Access policies')} in ${seconds(started)} s` +
        (notes.length ? ` (${notes.join('; ')})` : ''),
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      err(`export-tenant: ${e.message}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      err(`export-tenant: configuration problems: ${e.problems.join('; ')}`);
      return 2;
    }
    if (e instanceof ExportError) {
      err(`export-tenant: ${e.message}`);
      return 1;
    }
    if (e instanceof GraphReadError) {
      const hint = e.kind === 'forbidden' ? ' (the app lacks a Graph permission: see README, "Permissions")' : '';
      err(`export-tenant: ${e.message}${hint}`);
      return 1;
    }
    // Messages only, never stacks or request objects: nothing that could carry a token.
    err(`export-tenant: unexpected error: ${oneLine(e)}`);
    return 1;
  }
}

// ---- reading the tenant ---------------------------------------------------------------------

export interface ExportOptions {
  concurrency: number;
  /** Include the registration sign-ins of the last N days (0: none). */
  signInDays?: number;
  now?: () => Date;
  warn?: (line: string) => void;
  maxUsers?: number;
  /** Used when /organization is forbidden (no Organization.Read.All): the tenant id from the configuration. */
  fallbackTenantId?: string;
  progressEvery: number;
  progress: (line: string) => void;
  started?: number;
}

export interface ExportStats {
  /** Listed, then gone (404) by the time their facts were read. */
  vanishedUsers: number;
  /** Groups that policies name but Graph no longer has: exported without members, which evaluates the same. */
  missingGroups: number;
  organizationNameUnread: boolean;
}

type Json = Record<string, unknown>;

/** Reads the whole tenant and assembles a snapshot (not yet validated). */
export async function exportTenant(client: Client, options: ExportOptions): Promise<{ snapshot: TenantSnapshot; stats: ExportStats }> {
  const started = options.started ?? Date.now();
  const stats: ExportStats = { vanishedUsers: 0, missingGroups: 0, organizationNameUnread: false };

  // Tenant-wide reads, in parallel: the reads of readTenantFacts, objects kept whole.
  const [tenant, policies, listed] = await Promise.all([
    readOrganization(client, options.fallbackTenantId, () => (stats.organizationNameUnread = true)),
    readTenantPolicies<SnapshotConditionalAccessPolicy, SnapshotNamedLocation, SnapshotAuthenticationStrength, SnapshotMethodConfiguration, SnapshotServicePrincipal>(client),
    listUsers(client, options.maxUsers),
  ]);
  const { conditionalAccessPolicies, namedLocations, authenticationStrengths: authenticationStrengthPolicies, methodsPolicy: authenticationMethodsPolicy } = policies;
  const authenticator = policies.authenticatorServicePrincipal;

  // Per user, with bounded concurrency: one $batch each (user, memberships, methods, devices).
  if (listed.length >= options.progressEvery) options.progress(`reading ${listed.length} users, ${options.concurrency} at a time`);
  const facts: (UserFacts | null)[] = new Array(listed.length).fill(null);
  let done = 0;
  await forEachConcurrently(listed, options.concurrency, async (user, i) => {
    try {
      facts[i] = await resendOnDrop(() => readUserFacts(client, user.id as string));
    } catch (error) {
      // Deleted between the listing and now: not part of the tenant any more.
      if (!(error instanceof GraphReadError && error.kind === 'notFound')) throw error;
      stats.vanishedUsers++;
    }
    done++;
    if (done % options.progressEvery === 0) options.progress(`${done} of ${listed.length} users read (${seconds(started)} s)`);
  });

  const groups = new Map<string, { id: string; displayName?: string | null; members: Set<string> }>();
  const group = (id: string, displayName?: string | null) => {
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { id, members: new Set() }));
    if (displayName != null && g.displayName == null) g.displayName = displayName;
    return g;
  };
  const users: SnapshotUser[] = [];
  const roleAssignments: SnapshotRoleAssignment[] = [];
  listed.forEach((listedUser, i) => {
    const f = facts[i];
    if (!f) return;
    const id = (f.user.id ?? listedUser.id) as string;
    for (const groupId of f.groupIds) group(groupId, f.groupNames?.[groupId]);
    const direct = f.directGroupIds ?? [];
    for (const groupId of direct) group(groupId, f.groupNames?.[groupId]).members.add(id);
    // Roles come from the user's transitive memberships, so a role assigned to a group the user
    // is in comes out as the user's own assignment: the engine and the audit evaluate it the same.
    for (const roleTemplateId of f.roleTemplateIds) roleAssignments.push({ roleTemplateId, principalId: id });
    users.push({
      ...(clean(listedUser) as Json),
      ...(clean(f.user) as Json),
      id,
      authenticationMethods: clean(f.methods) as SnapshotUser['authenticationMethods'],
      managedDevices: clean(f.managedDevices) as SnapshotUser['managedDevices'],
      memberOf: direct,
    } as SnapshotUser);
  });

  // Groups the policies name that no user is in (empty, or holding only other groups): read by id.
  const named = [...referencedGroupIds(conditionalAccessPolicies, authenticationMethodsPolicy.authenticationMethodConfigurations)].filter((id) => !groups.has(id));
  await forEachConcurrently(named, options.concurrency, async (id) => {
    try {
      const g = await graphGet<Group>(client, `/groups/${encodeURIComponent(id)}?$select=id,displayName`);
      group(id, g.displayName);
    } catch (error) {
      if (!(error instanceof GraphReadError && error.kind === 'notFound')) throw error;
      group(id);
      stats.missingGroups++;
    }
  });

  // Nesting: the users' lists say which groups they are in, not how those groups sit in one
  // another. Each group's direct parents make it a member of them; parents never seen before
  // (above a group no user is in) are read in turn.
  const asked = new Set<string>();
  for (let round = [...groups.keys()]; round.length > 0; round = [...groups.keys()].filter((id) => !asked.has(id))) {
    for (const id of round) asked.add(id);
    await forEachConcurrently(round, options.concurrency, async (id) => {
      let parents: DirectoryObject[];
      try {
        parents = await readAll<DirectoryObject>(client, `/groups/${encodeURIComponent(id)}/memberOf?$select=id,displayName&$top=999`);
      } catch (error) {
        if (error instanceof GraphReadError && error.kind === 'notFound') return;
        throw error;
      }
      // Administrative units and directory roles are listed too; only groups nest.
      for (const parent of parents) {
        if (odataType(parent) === '#microsoft.graph.group' && parent.id && parent.id !== id) group(parent.id, (parent as Group).displayName).members.add(id);
      }
    });
  }

  const snapshot: TenantSnapshot = {
    tenant,
    conditionalAccessPolicies: clean(conditionalAccessPolicies) as SnapshotConditionalAccessPolicy[],
    namedLocations: clean(namedLocations) as SnapshotNamedLocation[],
    authenticationStrengthPolicies: clean(authenticationStrengthPolicies) as SnapshotAuthenticationStrength[],
    authenticationMethodsPolicy: clean(authenticationMethodsPolicy) as TenantSnapshot['authenticationMethodsPolicy'],
    users,
    groups: [...groups.values()].map(
      (g): SnapshotGroup => ({ id: g.id, ...(g.displayName != null ? { displayName: g.displayName } : {}), members: [...g.members] }),
    ),
    roleAssignments,
    servicePrincipals: authenticator ? [clean(authenticator) as SnapshotServicePrincipal] : [],
  };
  if ((options.signInDays ?? 0) > 0) {
    const read = await readRegistrationSignIns(pagedReader(client, { http: 0, graph: 0, innerRetries: 0 }), options.signInDays!, options.now?.() ?? new Date(), options.warn ?? (() => {}));
    if (read !== 'forbidden') {
      const ids = new Set(users.map((u) => u.id));
      snapshot.signIns = clean(read.filter((s) => ids.has(s.userId))) as TenantSnapshot['signIns'];
    }
  }
  return { snapshot, stats };
}

// ---- the file -------------------------------------------------------------------------------

function checkWritable(target: string, shown: string): void {
  if (existsSync(target) && statSync(target).isDirectory()) throw new UsageError(`cannot write ${shown}: is a directory`);
  const dir = dirname(target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`cannot write ${shown}: no such directory ${dirname(shown)}`);
}

/** Whole or not at all: a temporary file next to the target, renamed over it. Readable by the owner only (it lists every user). */
function writeAtomically(target: string, shown: string, text: string): void {
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new ExportError(`cannot write ${shown}: ${code === 'EACCES' ? 'permission denied' : code === 'ENOSPC' ? 'no space left on the device' : (e as Error).message}`);
  }
}

function odataType(item: object): unknown {
  return (item as Json)['@odata.type'];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function seconds(started: number): string {
  return ((Date.now() - started) / 1000).toFixed(1);
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
}

if (require.main === module) {
  if (existsSync('.env')) process.loadEnvFile('.env');
  runExportTenant(process.argv.slice(2), (s) => process.stdout.write(`${s}\n`), (s) => process.stderr.write(`${s}\n`)).then((code) => {
    process.exitCode = code;
  });
}
