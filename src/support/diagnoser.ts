// Reads the facts for one user through Graph and runs the pure engine. Shared by the bot, the
// CLI and the help desk, so they all show the same result for the same tenant.
//
// Which policies apply is asked of Conditional Access What If (Microsoft's own evaluator) when
// the tenant allows it; the engine keeps deciding whether the user can satisfy them. When What
// If is refused, fails or times out, the local evaluator decides and the evidence says so. Where
// both ran and disagree, the disagreement is logged (a bug report about ours) and What If wins.
//
// The user's sign-ins are read too (GET /auditLogs/signIns, with the user's facts): a policy that
// failed in one of them blocks, whatever the prediction said (the diagnosis's `observed`). Reading
// them never fails a diagnosis: refused (no permission or licence), failed or timed out, the
// diagnosis has no `observed` and is otherwise the same.
//
// Prefetch: the conversation calls prefetch() from the user's first message on, while they answer
// the questions, so the diagnosis after their last answer finds everything read: their facts and
// the tenant's (the caches), What If for the platform once they named it (its cache), and their
// sign-ins (held here, taken by the next diagnosis). Only the platform changes what is read; a
// Correlation ID pasted later is read then. A prefetch is bounded like the user cache: it expires
// after the user-facts TTL (off when that is 0) and at most MAX_PREFETCHES are kept. Its failures
// are dropped silently: the diagnosis reads again and handles them as it always did.
import type { Client } from '@microsoft/microsoft-graph-client';
import {
  diagnose,
  whatIfDisagreements,
  type Diagnosis,
  type ExemptionGroup,
  type RegistrationContext,
  type SignInEvent,
  type SignInObservation,
  type WhatIfVerdicts,
} from '../diagnosis';
import { GraphReadError, readUserFacts, type TenantFactsCache } from '../graph';
import { graphGet, readAll } from '../graph/read';
import { readSignIns } from '../graph/sign-ins';
import { evaluateWhatIf } from '../graph/what-if';
import { UserCache } from '../graph/user-cache';
import type { UserChanges } from './user-changes';
import type { Platform, SignInFact, TenantFacts, UserFacts } from '../diagnosis/facts';

export interface DiagnoserOptions {
  /** Ask What If (default true). */
  whatIf?: boolean;
  whatIfTimeoutMs?: number;
  /** After a refusal (403), do not ask again for this long (default 10 min). */
  whatIfRetryAfterMs?: number;
  /** Read the user's sign-ins (default true). */
  signIns?: boolean;
  signInsTimeoutMs?: number;
  /** After the sign-in log refused (403: no AuditLog.Read.All or no Entra ID P1), do not ask again for this long (default 10 min). */
  signInsRetryAfterMs?: number;
  /** "Now" for the refusal memory (tests inject one). Default Date.now. */
  now?: () => number;
  /** Serve a user's facts and What If answers read within this many ms again (default 0: ask Graph every time). */
  userFactsTtlMs?: number;
  /** Several instances: changes other instances made to a user (see UserChanges). */
  userChanges?: Pick<UserChanges, 'changedSince'>;
  log?: (event: Record<string, unknown>) => void;
}

/** Per diagnosis: extra facts the engine uses when it has them. */
export interface DiagnoseCallOptions {
  /** The help desk's exemption group (see readExemptionGroup): the temporary-exemption remedy is checked. */
  exemptionGroup?: ExemptionGroup;
  /** The Correlation ID (or Request ID) the user pasted from the error page: that sign-in is read too. */
  correlationId?: string;
  /**
   * The tenant's facts were exported without the permission to read custom security attributes
   * (a snapshot's `customSecurityAttributesUnreadable`): application filters on them may apply.
   */
  customSecurityAttributesUnreadable?: boolean;
}

/** What the conversation knows so far, for prefetch(). */
export interface PrefetchHint {
  /** The phone's platform, once the user named it: What If is asked for it. */
  platform?: Platform;
  /** A Correlation ID (or Request ID) the user pasted: that sign-in is read too. */
  correlationId?: string;
  /** Now: the end of the sign-in window. */
  at: Date;
}

/** One user's reads started ahead of their diagnosis. */
interface Prefetch {
  startedAt: number;
  /** The user's object id, once their facts are read. */
  userId?: string;
  /** Their facts could not be read: the diagnosis reads again (and explains the error). */
  failed: boolean;
  /** Started reads (`whatIf|<platform>`, `signIns|<correlation id>`), so none is started twice. */
  started: Set<string>;
  /** Settled reads: `user`, `tenant`, `whatIf|<platform>`, `signIns|<correlation id>`. */
  done: Set<string>;
  /** The user's facts: their object id, undefined when the read failed. */
  user: Promise<string | undefined>;
  /** Sign-ins by correlation id ('' for none); undefined when the read failed. */
  signIns: Map<string, Promise<SignInFact[] | undefined>>;
}

/** Prefetches kept at most (the oldest go first); each also expires after the user-facts TTL. */
export const MAX_PREFETCHES = 5_000;

export class Diagnoser {
  private whatIfRefusedUntil = 0;
  /** The help desk's exemption group, for every diagnosis that names none (see useExemptionGroup). */
  private exemptionGroupOf?: () => Promise<ExemptionGroup | undefined>;
  private signInsRefusedUntil = 0;
  /** When this instance's help desk last changed each user (sign-ins before it are stale). */
  private readonly changedAt = new Map<string, number>();
  private readonly now: () => number;
  private readonly unreadableAttributes = new WeakMap<TenantFacts, TenantFacts>();
  private readonly userFacts: UserCache<UserFacts>;
  /** What If's answers, by "<user id>|<platform>". */
  private readonly whatIfAnswers: UserCache<Partial<Record<SignInEvent, WhatIfVerdicts>>>;
  /** Reads started ahead of a diagnosis, by the lower-cased id (or UPN) the conversation uses. */
  private readonly prefetches = new Map<string, Prefetch>();

  constructor(
    private readonly client: Client,
    private readonly tenantFacts: TenantFactsCache,
    private readonly options: DiagnoserOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const ttlMs = options.userFactsTtlMs ?? 0;
    const changedSince = options.userChanges && ((user: string, loadedAt: number) => options.userChanges!.changedSince(user, loadedAt));
    this.userFacts = new UserCache({ ttlMs, changedSince, userOf: (facts) => facts.user.id ?? undefined });
    this.whatIfAnswers = new UserCache({ ttlMs, changedSince, userOf: (_, key) => key.split('|')[0] });
  }

  /**
   * The help desk's exemption group (EXEMPTION_GROUP_ID, with its nesting): every diagnosis that
   * names none checks the temporary-exemption remedy with it, so the conversation and the ticket
   * say the same. The provider caches it; undefined (unreadable now) leaves the remedy unchecked.
   */
  useExemptionGroup(group: (() => Promise<ExemptionGroup | undefined>) | undefined): void {
    this.exemptionGroupOf = group;
  }

  /**
   * The help desk changed this user (TAP issued, exemption added or removed): read them afresh,
   * and let no sign-in failure from before the change count against them.
   */
  userChanged(aadObjectId: string): void {
    this.forgetUser(aadObjectId);
    const key = aadObjectId.toLowerCase();
    this.changedAt.delete(key);
    this.changedAt.set(key, this.now());
    // Bounded: the oldest changes go first (a day's sign-in window makes older ones moot anyway).
    if (this.changedAt.size > 10_000) this.changedAt.delete(this.changedAt.keys().next().value as string);
  }

  /** The next diagnosis of this user reads Graph afresh (they, or we, just changed something). */
  forgetUser(aadObjectId: string): void {
    this.userFacts.forget(aadObjectId);
    this.whatIfAnswers.forget(aadObjectId);
    const id = aadObjectId.toLowerCase();
    for (const [key, p] of this.prefetches) if (key === id || p.userId?.toLowerCase() === id) this.prefetches.delete(key);
  }

  /**
   * Starts reading what the diagnosis of this user will need, while they answer the questions:
   * their facts, the tenant's, their sign-ins, and What If once the platform is known. Called on
   * every turn that asks a question; reads already made or under way are not repeated. Never
   * throws and never reports: a failed read is read again by the diagnosis. Off when the user
   * cache is (userFactsTtlMs 0).
   */
  prefetch(userIdOrUpn: string, hint: PrefetchHint): void {
    const ttlMs = this.options.userFactsTtlMs ?? 0;
    if (ttlMs <= 0) return;
    const now = this.now();
    for (const [key, p] of this.prefetches) {
      if (now - p.startedAt < ttlMs) break; // oldest first
      this.prefetches.delete(key);
    }
    const key = userIdOrUpn.toLowerCase();
    let entry = this.prefetches.get(key);
    if (entry?.failed) {
      this.prefetches.delete(key);
      entry = undefined;
    }
    if (!entry) {
      const p: Prefetch = { startedAt: now, failed: false, started: new Set(), done: new Set(), signIns: new Map(), user: Promise.resolve(undefined) };
      this.prefetches.set(key, p);
      if (this.prefetches.size > MAX_PREFETCHES) this.prefetches.delete(this.prefetches.keys().next().value as string);
      void this.exemptionGroupOf?.().catch(() => undefined);
      entry = p;
    }
    const p = entry;
    // Through the caches on every call: a hit costs nothing, an expired entry is read again.
    void this.tenantFacts.get().then(
      () => p.done.add('tenant'),
      () => p.done.delete('tenant'),
    );
    p.user = this.userFacts.get(userIdOrUpn, () => readUserFacts(this.client, userIdOrUpn)).then(
      (facts) => {
        p.userId = facts.user.id ?? userIdOrUpn;
        p.done.add('user');
        return p.userId;
      },
      () => {
        p.failed = true;
        p.done.delete('user');
        return undefined;
      },
    );
    void p.user.then((userId) => {
      if (!userId || this.prefetches.get(key) !== p) return;
      const platform = hint.platform;
      if (platform && this.options.whatIf !== false && Date.now() >= this.whatIfRefusedUntil) {
        void this.whatIfAnswers.get(`${userId}|${platform}`, () => this.readWhatIf(userId, platform)).then(
          () => p.done.add(`whatIf|${platform}`),
          () => undefined,
        );
      }
      const correlationId = hint.correlationId?.trim() ?? '';
      const signInsKey = `signIns|${correlationId}`;
      if (this.options.signIns !== false && this.now() >= this.signInsRefusedUntil && !p.started.has(signInsKey)) {
        p.started.add(signInsKey);
        const read = readSignIns(this.client, { userId, at: hint.at, ...(correlationId ? { correlationId } : {}), timeoutMs: this.options.signInsTimeoutMs }).then(
          (signIns) => {
            p.done.add(signInsKey);
            return signIns;
          },
          () => undefined,
        );
        p.signIns.set(correlationId, read);
      }
    });
  }

  /**
   * Whether diagnosing this user now needs no Graph round trip: everything the diagnosis reads
   * was prefetched and is still fresh. False means the reply will take a moment (Teams' typing
   * indicator is due).
   */
  diagnosisReady(userIdOrUpn: string, context: RegistrationContext, call: DiagnoseCallOptions = {}): boolean {
    const ttlMs = this.options.userFactsTtlMs ?? 0;
    const p = this.prefetches.get(userIdOrUpn.toLowerCase());
    if (ttlMs <= 0 || !p || p.failed || this.now() - p.startedAt >= ttlMs) return false;
    if (!p.done.has('user') || !p.done.has('tenant')) return false;
    if (this.options.whatIf !== false && Date.now() >= this.whatIfRefusedUntil && !p.done.has(`whatIf|${context.platform}`)) return false;
    if (this.options.signIns !== false && this.now() >= this.signInsRefusedUntil && !p.done.has(`signIns|${call.correlationId?.trim() ?? ''}`)) return false;
    return true;
  }

  /** The sign-ins prefetched for this user and correlation id, taken (a later diagnosis reads afresh); undefined if none. */
  private takePrefetchedSignIns(userIdOrUpn: string, userId: string, correlationId: string | undefined): Promise<SignInFact[] | undefined> | undefined {
    const ttlMs = this.options.userFactsTtlMs ?? 0;
    const p = this.prefetches.get(userIdOrUpn.toLowerCase()) ?? this.prefetches.get(userId.toLowerCase());
    if (!p || this.now() - p.startedAt >= ttlMs || p.userId?.toLowerCase() !== userId.toLowerCase()) return undefined;
    const key = correlationId?.trim() ?? '';
    const read = p.signIns.get(key);
    if (!read) return undefined;
    p.signIns.delete(key);
    p.started.delete(`signIns|${key}`);
    p.done.delete(`signIns|${key}`);
    return read;
  }

  /**
   * A Teams user: matched by Entra object id; when Graph does not know that id (a snapshot built
   * with other ids, say), by the userPrincipalName from the Teams roster.
   */
  async diagnoseTeamsUser(aadObjectId: string, rosterUpn: () => Promise<string | undefined>, context: RegistrationContext, call: DiagnoseCallOptions = {}): Promise<Diagnosis> {
    try {
      return await this.diagnose(aadObjectId, context, call);
    } catch (e) {
      if (!(e instanceof GraphReadError) || e.kind !== 'notFound') throw e;
      const upn = await rosterUpn();
      if (!upn) throw e;
      return this.diagnose(upn, context, call);
    }
  }

  /**
   * Throws GraphReadError (kind notFound for an unknown user) when Graph cannot answer for the
   * tenant or the user. What If and the sign-in log are asked alongside and never fail it.
   */
  async diagnose(userIdOrUpn: string, context: RegistrationContext, call: DiagnoseCallOptions = {}): Promise<Diagnosis> {
    if (!call.exemptionGroup && this.exemptionGroupOf) call = { ...call, exemptionGroup: await this.exemptionGroupOf().catch(() => undefined) };
    // Tenant facts come from their cache; the user's facts are one $batch (or its cached result).
    const [tenantFacts, user] = await Promise.all([this.tenantFacts.get(), this.userFacts.get(userIdOrUpn, () => readUserFacts(this.client, userIdOrUpn))]);
    const tenant = call.customSecurityAttributesUnreadable ? this.withUnreadableAttributes(tenantFacts) : tenantFacts;
    const userId = user.user.id ?? userIdOrUpn;
    // Sign-ins read while the user answered the questions are used once; otherwise (or if that read failed) they are read now.
    const prefetched = this.takePrefetchedSignIns(userIdOrUpn, userId, call.correlationId);
    const signInsNow = async () => {
      const signIns = prefetched ? await prefetched : undefined;
      return signIns ? this.observation(userId, signIns, call.correlationId) : this.readSignIns(userId, context, call.correlationId);
    };
    const [{ whatIf, unavailable }, signIns] = await Promise.all([this.askWhatIf(userId, context), signInsNow()]);
    if (whatIf) {
      for (const d of whatIfDisagreements(tenant, user, context, whatIf)) this.options.log?.({ ...d, signIn: d.event, event: 'whatif.disagreement', user: user.user.id });
    }
    return diagnose(tenant, user, context, {
      whatIf,
      whatIfUnavailable: unavailable,
      ...(call.exemptionGroup ? { exemptionGroup: call.exemptionGroup } : {}),
      ...(signIns ? { signIns } : {}),
    });
  }

  /**
   * The user's sign-ins for the engine (the 24 hours before `context.at`, and the one named by
   * `correlationId`); undefined when the sign-in log cannot be read. Never throws.
   */
  async readSignIns(userId: string, context: RegistrationContext, correlationId?: string): Promise<SignInObservation | undefined> {
    if (this.options.signIns === false) return undefined;
    if (this.now() < this.signInsRefusedUntil) return undefined;
    try {
      const signIns = await readSignIns(this.client, { userId, at: context.at, ...(correlationId ? { correlationId } : {}), timeoutMs: this.options.signInsTimeoutMs });
      return this.observation(userId, signIns, correlationId);
    } catch (e) {
      const error = e instanceof GraphReadError ? e : undefined;
      if (error?.kind === 'forbidden') this.signInsRefusedUntil = this.now() + (this.options.signInsRetryAfterMs ?? 600_000);
      const reason =
        error?.kind === 'forbidden'
          ? 'the sign-in log cannot be read (AuditLog.Read.All, or an Entra ID P1 licence)'
          : error?.kind === 'timeout'
            ? 'the sign-in log timed out'
            : `the sign-in log failed: ${error?.message ?? (e as Error).message}`;
      this.options.log?.({ event: 'signins.unavailable', reason });
      return undefined;
    }
  }

  private observation(userId: string, signIns: SignInFact[], correlationId?: string): SignInObservation {
    const changed = this.changedAt.get(userId.toLowerCase());
    return { signIns, ...(correlationId ? { correlationId } : {}), ...(changed !== undefined ? { since: new Date(changed).toISOString() } : {}) };
  }

  private withUnreadableAttributes(facts: TenantFacts): TenantFacts {
    let copy = this.unreadableAttributes.get(facts);
    if (!copy) {
      copy = { ...facts, customSecurityAttributesUnreadable: true };
      this.unreadableAttributes.set(facts, copy);
    }
    return copy;
  }

  /**
   * The exemption group with its display name and the groups it is nested in (read upwards
   * through /groups/{id}/memberOf). Throws GraphReadError (kind notFound for an unknown group).
   */
  async readExemptionGroup(groupId: string): Promise<ExemptionGroup> {
    const group = await graphGet<{ id?: string; displayName?: string }>(this.client, `/groups/${encodeURIComponent(groupId)}?$select=id,displayName`);
    const parents = new Set<string>();
    for (let round = [groupId]; round.length > 0 && parents.size < 200; ) {
      const next: string[] = [];
      for (const id of round) {
        const items = await readAll<{ id?: string; '@odata.type'?: string }>(this.client, `/groups/${encodeURIComponent(id)}/memberOf?$select=id&$top=999`);
        for (const item of items) {
          // Directory roles and administrative units are listed too; only groups nest.
          if (!item.id || item.id === groupId || parents.has(item.id) || !/\.group$/i.test(item['@odata.type'] ?? '')) continue;
          parents.add(item.id);
          next.push(item.id);
        }
      }
      round = next;
    }
    return { id: group.id ?? groupId, ...(group.displayName ? { displayName: group.displayName } : {}), memberOfGroupIds: [...parents] };
  }

  private async askWhatIf(userId: string, context: RegistrationContext): Promise<{ whatIf?: Partial<Record<SignInEvent, WhatIfVerdicts>>; unavailable?: string }> {
    if (this.options.whatIf === false) return {};
    if (Date.now() < this.whatIfRefusedUntil) return { unavailable: 'What If is not permitted for this app (Policy.Read.ConditionalAccess)' };
    try {
      const whatIf = await this.whatIfAnswers.get(`${userId}|${context.platform}`, () => this.readWhatIf(userId, context.platform));
      return { whatIf };
    } catch (e) {
      const error = e instanceof GraphReadError ? e : undefined;
      if (error?.kind === 'forbidden') this.whatIfRefusedUntil = Date.now() + (this.options.whatIfRetryAfterMs ?? 600_000);
      const unavailable =
        error?.kind === 'forbidden' ? 'What If is not permitted for this app (Policy.Read.ConditionalAccess)' : error?.kind === 'timeout' ? 'What If timed out' : `What If failed: ${error?.message ?? (e as Error).message}`;
      this.options.log?.({ event: 'whatif.unavailable', reason: unavailable });
      return { unavailable };
    }
  }

  private async readWhatIf(userId: string, platform: Platform): Promise<Partial<Record<SignInEvent, WhatIfVerdicts>>> {
    const events: SignInEvent[] = ['authenticator-sign-in', 'register-security-info'];
    const answers = await Promise.all(events.map((e) => evaluateWhatIf(this.client, userId, e, platform, this.options.whatIfTimeoutMs)));
    return { 'authenticator-sign-in': answers[0], 'register-security-info': answers[1] };
  }
}
