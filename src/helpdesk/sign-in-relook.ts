// The sign-in log, looked at again. Sign-ins reach the log minutes after they happen, so a
// ticket opened before its failure arrived gets stored looks at 5 and 15 minutes after the
// report (kind 'signInRelook', ids 'signin-relook-<ticket>-1', '-2': jobs stored by earlier
// versions run unchanged). Invariants:
// - each look diagnoses the requester afresh; when the failure has arrived the card shows it,
//   the thread says so, and the requester hears once — only if it shows a block they were not told of;
// - after the last look without it, the ticket's history says so (no thread line: nothing
//   happened) and the bot stops; a resolved ticket is not looked at again (its jobs are cancelled);
// - the ticket is stored before the thread and the requester hear of it.
import { english, type Messages } from '../i18n';
import type { TenantFactsCache } from '../graph';
import { AUTHENTICATOR_APP_ID, MY_SIGN_INS_APP_ID } from '../diagnosis/facts';
import { SIGN_IN_RELOOK_MINUTES, signInRelook, type Observed, type SignInRelook } from '../diagnosis/sign-ins';
import type { Job, JobScheduler } from '../scheduler/scheduler';
import type { KeyedMutex } from '../storage/key-value';
import { type Ticket, type TicketSignIn } from '../tickets/ticket';
import { cut } from './audit-trail';
import { BOT, correlationOf, reasonOf, type Log } from './desk-kit';
import type { HelpDeskNotifier } from './ports';
import { checkRequester, contextOf, type CheckDeps } from './requester-check';
import type { TicketStore } from './ticket-store';
import { clockTime } from '../cards/time-words';

/** The bot looks at the sign-in log again for a failure that was not in it when the ticket was opened. */
const SIGN_IN_RELOOK = 'signInRelook';
const relookJobPrefix = (ticketId: string) => `signin-relook-${ticketId}-`;

export interface SignInRelookDeps {
  /** The help desk's time zone (HELPDESK_TIMEZONE): times in thread lines are shown in it; default UTC. */
  timeZone?: string;
  tickets: TicketStore;
  notifier: HelpDeskNotifier;
  scheduler: JobScheduler;
  now: () => Date;
  mutex: KeyedMutex;
  tenantFacts: TenantFactsCache;
  /** How the requester is diagnosed. */
  checks: CheckDeps;
  log: Log;
  /** The help desk's words (HELPDESK_LOCALE) for thread lines; English by default. */
  m?: Messages;
}

export class SignInRelooks {
  private readonly tickets: TicketStore;
  private readonly notifier: HelpDeskNotifier;
  private readonly scheduler: JobScheduler;
  private readonly now: () => Date;
  private readonly mutex: KeyedMutex;
  private readonly tenantFacts: TenantFactsCache;
  private readonly checks: CheckDeps;
  private readonly log: Log;

  private readonly zone: string | undefined;
  private readonly m: Messages;

  constructor({ tickets, notifier, scheduler, now, mutex, tenantFacts, checks, log, timeZone, m }: SignInRelookDeps) {
    this.zone = timeZone;
    this.m = m ?? english();
    this.tickets = tickets;
    this.notifier = notifier;
    this.scheduler = scheduler;
    this.now = now;
    this.mutex = mutex;
    this.tenantFacts = tenantFacts;
    this.checks = checks;
    this.log = log;
    scheduler.on(SIGN_IN_RELOOK, (job) => this.relook(job), { idempotent: true });
  }

  /**
   * A ticket being opened: the failed sign-in on the card when the log has it; otherwise the
   * ticket notes the first look, and the times of the looks are returned (to `schedule` once the
   * ticket is stored).
   */
  async atOpen(ticket: Ticket, observed: Observed | undefined, correlationId: string | undefined, at: Date): Promise<Date[]> {
    const signIn = await this.signInOf(observed, correlationId, at.toISOString());
    if (signIn) ticket.signIn = signIn;
    const reportedAt = reportedAtOf(ticket, at);
    if (!failureSeen(observed, reportedAt, at, correlationId).notSeenYet) return [];
    const relookAt = SIGN_IN_RELOOK_MINUTES.map((m) => new Date(reportedAt.getTime() + m * 60_000)).filter((t) => t.getTime() > at.getTime());
    if (relookAt.length > 0) ticket.signInRelook = { reportedAt: reportedAt.toISOString(), nextAt: relookAt[0].toISOString() };
    return relookAt;
  }

  /** Stores the looks `atOpen` planned (a look that cannot be stored is logged, not retried). */
  async schedule(ticketId: string, relookAt: Date[]): Promise<void> {
    for (const [i, dueAt] of relookAt.entries()) {
      await this.scheduler
        .schedule({ id: `${relookJobPrefix(ticketId)}${i + 1}`, kind: SIGN_IN_RELOOK, dueAt: dueAt.toISOString(), payload: { ticketId } })
        .catch((se: Error) => this.log({ event: 'signin.relook.not-stored', ticket: ticketId, error: se.message }));
    }
  }

  /** The failed sign-in to show on the card: the one the user named, or the newest; names from the tenant's policies. */
  private async signInOf(observed: Observed | undefined, correlationId: string | undefined, seenAt: string): Promise<TicketSignIn | undefined> {
    const failed = (observed?.signIns ?? []).filter((s) => s.errorCode !== 0);
    const id = correlationId?.toLowerCase();
    const s = (id && failed.find((x) => x.correlationId.toLowerCase() === id || x.id.toLowerCase() === id)) || failed[0];
    if (!s) return undefined;
    const policies = await this.tenantFacts
      .get()
      .then((f) => new Map(f.conditionalAccessPolicies.map((p) => [p.id ?? '', p.displayName ?? ''])))
      .catch(() => new Map<string, string>());
    const app = s.appId.toLowerCase();
    return {
      at: s.createdDateTime,
      app: app === AUTHENTICATOR_APP_ID ? 'Microsoft Authenticator' : app === MY_SIGN_INS_APP_ID ? 'My Sign-ins (Register security information)' : s.appId || 'an app',
      errorCode: s.errorCode,
      failedPolicies: s.failedPolicyIds.map((p) => policies.get(p) || p),
      requestId: s.id,
      correlationId: s.correlationId,
      seenAt,
    };
  }

  /** The ticket is resolved: no more looks at the sign-in log. */
  async stop(ticket: Ticket): Promise<void> {
    if (!ticket.signInRelook || ticket.signInRelook.done) return;
    ticket.signInRelook = { ...ticket.signInRelook, done: true, nextAt: undefined };
    await this.scheduler.cancelPrefix(relookJobPrefix(ticket.id)).catch((e: Error) => this.log({ event: 'signin.relook.cancel-failed', ticket: ticket.id, error: e.message }));
  }

  /**
   * A stored look at the sign-in log (5 and 15 minutes after the report): the requester diagnosed
   * afresh; when the failure has arrived, the card shows it, the thread says so, and the requester
   * hears once if it shows a block they were not told of. After the last look without it, the
   * ticket's history says so (no thread line: nothing happened) and the bot stops.
   */
  private async relook(job: Job): Promise<void> {
    const ticketId = String(job.payload.ticketId);
    await this.mutex.run(ticketId, async () => {
      const ticket = await this.tickets.get(ticketId);
      const relook = ticket?.signInRelook;
      if (!ticket || !relook || relook.done || ticket.status === 'resolved') return;
      const at = this.now();
      const now = at.toISOString();
      const name = ticket.requester.name;
      const correlationId = correlationOf(ticket);
      const { context, assumed } = contextOf(ticket, at);
      let checked: Awaited<ReturnType<typeof checkRequester>> | undefined;
      try {
        checked = await checkRequester(this.checks, ticket.requester.aadObjectId, context, { fresh: true, assumed, ...(correlationId ? { correlationId } : {}) });
      } catch (e) {
        this.log({ event: 'signin.relook.failed', ticket: ticketId, error: reasonOf(e) });
      }
      const look = checked ? failureSeen(checked.diagnosis.observed, new Date(relook.reportedAt), at, correlationId) : undefined;
      const signIn = checked && look && !look.notSeenYet ? await this.signInOf(checked.diagnosis.observed, correlationId, now) : undefined;
      if (!signIn) {
        const next = SIGN_IN_RELOOK_MINUTES.map((m) => Date.parse(relook.reportedAt) + m * 60_000).find((t) => t > at.getTime());
        if (next !== undefined) {
          ticket.signInRelook = { ...relook, nextAt: new Date(next).toISOString() };
          await this.tickets.put(ticket);
          return;
        }
        ticket.signInRelook = { ...relook, done: true, nextAt: undefined };
        const minutes = Math.max(...SIGN_IN_RELOOK_MINUTES);
        const line = checked?.diagnosis.observed
          ? this.m.t('desk.line.signInNotFound', { name, minutes: String(minutes), time: clockTime(now, this.zone, this.m.locale) })
          : this.m.t('desk.line.signInUnreadable', { name, time: clockTime(now, this.zone, this.m.locale) });
        // On the ticket (its card shows it when next drawn), not in the thread: nothing new happened.
        ticket.history.push({ at: now, by: BOT.name, text: line });
        await this.tickets.put(ticket);
        return;
      }
      // What they were told (the conversation's diagnosis, else the check at open) against what the log shows now.
      const told = new Set(
        ticket.diagnosis ? ticket.diagnosis.findings.filter((f) => f.blocking).flatMap((f) => f.policies.map((p) => p.name)) : (ticket.check?.blocking ?? []).flatMap((b) => b.policyNames),
      );
      const newly = signIn.failedPolicies.filter((p) => !told.has(p));
      ticket.signIn = signIn;
      ticket.check = checked!.check;
      ticket.checkError = undefined;
      ticket.signInRelook = { ...relook, done: true, nextAt: undefined };
      await this.scheduler.cancelPrefix(relookJobPrefix(ticketId)).catch(() => undefined);
      const quoted = (names: string[]) => names.map((p) => this.m.t('desk.quoted', { name: p })).join(', ');
      const line = cut(
        this.m.t('desk.line.signInSeen', {
          name,
          time: clockTime(signIn.at, this.zone, this.m.locale),
          app: signIn.app,
          code: String(signIn.errorCode),
          policies: signIn.failedPolicies.length > 0 ? quoted(signIn.failedPolicies) : 'none',
          newly: newly.length > 0 ? quoted(newly) : 'none',
        }),
        600,
      );
      ticket.history.push({ at: now, by: BOT.name, text: line });
      await this.tickets.put(ticket);
      await this.notifier.ticketChanged(ticket, line).catch((e: Error) => this.log({ event: 'ticket.update.failed', ticket: ticketId, error: e.message }));
      if (newly.length > 0) await this.notifier.requesterUpdate(ticket, { kind: 'signInSeen' }).catch((e: Error) => this.log({ event: 'requester.update.failed', ticket: ticketId, error: e.message }));
    });
  }
}

/** When the user failed: the error page's timestamp when they pasted one (within the last day), else now. */
function reportedAtOf(ticket: Pick<Ticket, 'errorIds'>, at: Date): Date {
  const t = Date.parse(ticket.errorIds.timestamp ?? '');
  return Number.isFinite(t) && t <= at.getTime() && t > at.getTime() - 24 * 3600_000 ? new Date(t) : at;
}

/**
 * Is the user's failure in the log? The sign-in they named by its id; without one, any failed
 * sign-in of this registration in the window (the user failed before they told the bot, and the
 * log may bring it late with its own time), else signInRelook's rule.
 */
function failureSeen(observed: Observed | undefined, reportedAt: Date, now: Date, correlationId: string | undefined): SignInRelook {
  if (observed && !correlationId && observed.signIns.some((s) => s.errorCode !== 0)) return { notSeenYet: false, lookAgainAt: null, reason: 'a failed sign-in of this registration is in the log' };
  return signInRelook(observed, reportedAt, now, correlationId ? { correlationId } : {});
}
