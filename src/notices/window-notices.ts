// Proactive notices about the short windows a user gets to add a passkey: a Temporary Access
// Pass (when it starts, a reminder before it ends, "you missed it" at the end) and a temporary
// exemption (a reminder before it ends; the end itself is told by the removal). Before each
// reminder Graph is asked whether the passkey is already there: then the user is congratulated,
// the rest is cancelled and the ticket resolved. SDK-free: cards go out through a sender port.
//
// Every notice tells the truth: a pass the bot delivered already had its one message (the
// delivery says when it works), so it gets no start notice; a pass whose value never reached the
// user gets none at all; and a window that does not get the user through (diagnosed with the
// pass or the exemption in place) is not presented as one — the help desk has their ticket.
import type { Client } from '@microsoft/microsoft-graph-client';
import { noticeCard, type AdaptiveCard } from '../cards';
import { blockersInWords } from '../cards/requester-views';
import { AUTHENTICATOR_AAGUID } from '../diagnosis';
import { readAll } from '../graph';
import type { Counters } from '../metrics';
import type { Job, JobScheduler } from '../scheduler/scheduler';
import type { KeyValueStore } from '../storage/key-value';
import { type Blocker, type Ticket } from '../tickets/ticket';
import { clockTime, timeWindow } from '../cards/time-words';
import { english, languageOfLocale, messagesFor, type Messages } from '../i18n';

export type NoticeKind = 'tap.start' | 'tap.reminder' | 'tap.end' | 'exemption.reminder';

export interface NoticePayload {
  ticketId: string;
  userId: string;
  start: string;
  end: string;
}

/** Sends a card to a user's personal chat; resolves with what happened (paced, retried). */
export interface NoticeSender {
  toUser(userId: string, card: AdaptiveCard, noticeId: string): Promise<'sent' | 'undeliverable'>;
  /** The user's time zone as their Teams client last said (kept with the conversation reference); undefined: UTC. */
  timeZoneOf?(userId: string): Promise<string | undefined>;
  /** The user's zone and Teams locale (both kept with the conversation reference): the notice's times and language. */
  readerOf?(userId: string): Promise<Reader>;
}

/** Whom a notice speaks to: their Teams locale ("de-DE"; undefined: English) and IANA zone (undefined: UTC). */
export interface Reader {
  locale?: string;
  timeZone?: string;
}

/** The user's messages and zone, as the sender knows them; English and UTC when it cannot say. */
export async function readerWords(sender: NoticeSender, userId: string): Promise<{ m: Messages; zone?: string }> {
  const reader: Reader = sender.readerOf
    ? await sender.readerOf(userId).catch(() => ({}))
    : { timeZone: await sender.timeZoneOf?.(userId).catch(() => undefined) };
  return { m: messagesFor(languageOfLocale(reader.locale)), zone: reader.timeZone };
}

/** What a window notice must know before it speaks (see HelpDesk.windowFacts). */
export interface WindowFacts {
  /**
   * Who holds the pass's value: the bot delivered it (its delivery was the message); it never
   * reached the user (undeliverable, or created while the bot stopped); unconfirmed; or it was
   * issued elsewhere (the admin center) and whoever issued it hands it over.
   */
  tapValue?: 'bot' | 'never' | 'uncertain' | 'elsewhere';
  /** Diagnosed with the pass (or exemption) in place: nothing blocks. Absent when it could not be checked. */
  through?: boolean;
  /** What still blocks, when not through. */
  blocking?: Blocker[];
}

export interface TicketCloser {
  /** Closes the ticket as resolved by the bot, noted in the help desk's words. */
  resolveByBot(ticketId: string): Promise<void>;
  /** What the notice may say (absent: every notice is sent as worded, unchecked). */
  windowFacts?(kind: NoticeKind, payload: NoticePayload): Promise<WindowFacts>;
}

export interface WindowNoticesOptions {
  graph: Client;
  scheduler: JobScheduler;
  /** Remembers which TAP windows already have notices (so a rescan never repeats them). */
  store: KeyValueStore;
  now: () => Date;
  /** Users whose TAPs are watched even when issued outside the bot: open tickets, campaign targets. */
  watchedUsers?: () => Promise<{ userId: string; ticketId: string }[]>;
  /** Minutes between scans for TAPs issued outside the bot (default 10). */
  scanMinutes?: number;
  sender: NoticeSender;
  tickets: TicketCloser;
  /** Minutes before the end of a window that the reminder goes out (default 15). */
  reminderMinutes?: number;
  log?: (event: Record<string, unknown>) => void;
  /** Counts notices by outcome (the root passes the process's metrics). */
  metrics?: Counters;
}

const AUTHENTICATOR_AAGUIDS = new Set<string>(Object.values(AUTHENTICATOR_AAGUID));
const SCAN = 'tap.scan';
const SEEN = 'notices/seen-taps';

/** Whether the user has a passkey in Microsoft Authenticator (created since `since`, if given). */
export async function hasAuthenticatorPasskey(graph: Client, userId: string, since?: string): Promise<boolean> {
  const methods = await readAll<Record<string, unknown>>(graph, `/users/${encodeURIComponent(userId)}/authentication/fido2Methods`);
  return methods.some(
    (m) =>
      AUTHENTICATOR_AAGUIDS.has(String(m.aaGuid ?? '').toLowerCase()) &&
      (!since || !m.createdDateTime || Date.parse(String(m.createdDateTime)) >= Date.parse(since)),
  );
}

export class WindowNotices {
  private readonly reminderMs: number;

  constructor(private readonly o: WindowNoticesOptions) {
    this.reminderMs = (o.reminderMinutes ?? 15) * 60_000;
    for (const kind of ['tap.start', 'tap.reminder', 'tap.end', 'exemption.reminder'] as const) {
      o.scheduler.on(kind, (job) => this.run(kind, job as Job<unknown> as Job<NoticePayload>));
    }
    o.scheduler.on(SCAN, () => this.scan(), { idempotent: true });
  }

  /** Starts the periodic scan for TAPs issued outside the bot (once per deployment is enough). */
  async startScanning(): Promise<void> {
    if (!(await this.o.scheduler.pending()).some((j) => j.kind === SCAN)) {
      await this.o.scheduler.schedule({ id: SCAN, kind: SCAN, dueAt: this.o.now().toISOString(), payload: {} });
    }
  }

  /**
   * Schedules the notices of a TAP the bot issued and delivered: its reminder and its end. The
   * delivery itself was the message that it works (or why it does not), so there is no start notice.
   */
  async tapIssued(ticket: Ticket): Promise<void> {
    await this.tapWindow(ticket.id, ticket.requester.aadObjectId, ticket.tap!.start, ticket.tap!.end, false);
  }

  private async tapWindow(ticketId: string, userId: string, start: string, end: string, startNotice = true): Promise<void> {
    if (!(await this.firstTimeSeen(`${userId}:${start}`))) return;
    const tap = { start, end };
    const payload: NoticePayload = { ticketId, userId, start, end };
    const base = `notice:${ticketId}:tap:${tap.start}`;
    if (startNotice) await this.o.scheduler.schedule({ id: `${base}:start`, kind: 'tap.start', dueAt: tap.start, payload: { ...payload } });
    const reminder = Date.parse(tap.end) - this.reminderMs;
    if (reminder > Date.parse(tap.start)) {
      await this.o.scheduler.schedule({ id: `${base}:reminder`, kind: 'tap.reminder', dueAt: new Date(reminder).toISOString(), payload: { ...payload } });
    }
    await this.o.scheduler.schedule({ id: `${base}:end`, kind: 'tap.end', dueAt: tap.end, payload: { ...payload } });
  }

  async exemptionGranted(ticket: Ticket): Promise<void> {
    const e = ticket.exemption!;
    const reminder = Date.parse(e.end) - this.reminderMs;
    if (reminder <= Date.parse(e.start)) return;
    await this.o.scheduler.schedule({
      id: `notice:${ticket.id}:exemption:${e.start}:reminder`,
      kind: 'exemption.reminder',
      dueAt: new Date(reminder).toISOString(),
      payload: { ticketId: ticket.id, userId: ticket.requester.aadObjectId, start: e.start, end: e.end },
    });
  }

  /** TAPs created in the Entra admin center or by script, for the users we watch. */
  private async scan(): Promise<void> {
    const now = this.o.now();
    try {
      for (const { userId, ticketId } of (await this.o.watchedUsers?.()) ?? []) {
        const taps = await readAll<{ startDateTime?: string; createdDateTime?: string; lifetimeInMinutes?: number }>(
          this.o.graph,
          `/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`,
        );
        for (const t of taps) {
          const start = new Date(t.startDateTime ?? t.createdDateTime ?? now).toISOString();
          const end = new Date(Date.parse(start) + (t.lifetimeInMinutes ?? 60) * 60_000).toISOString();
          if (Date.parse(end) > now.getTime()) await this.tapWindow(ticketId, userId, start, end);
        }
      }
    } finally {
      // The next scan, even if this one failed half-way.
      const next = new Date(now.getTime() + (this.o.scanMinutes ?? 10) * 60_000).toISOString();
      await this.o.scheduler.schedule({ id: `${SCAN}:${next}`, kind: SCAN, dueAt: next, payload: {} });
    }
  }

  private async firstTimeSeen(key: string): Promise<boolean> {
    const items = await this.o.store.read([SEEN]);
    const seen = (items[SEEN]?.keys as string[] | undefined) ?? [];
    if (seen.includes(key)) return false;
    await this.o.store.write({ [SEEN]: { keys: [...seen, key].slice(-5000), eTag: '*' } });
    return true;
  }

  private async run(kind: NoticeKind, job: Job<NoticePayload>): Promise<void> {
    const p = job.payload;
    // The user's language (their Teams locale) and zone, both kept with the conversation reference.
    const { m, zone } = await readerWords(this.o.sender, p.userId);
    if (kind !== 'tap.start' && (await hasAuthenticatorPasskey(this.o.graph, p.userId, p.start))) {
      await this.send(p.userId, `${job.id}:done`, noticeCard({ title: m.t('noticeCards.done.title'), tone: 'success', text: m.t('noticeCards.done.text') }, m));
      await this.o.scheduler.cancelPrefix(`notice:${p.ticketId}:`);
      await this.o.tickets.resolveByBot(p.ticketId);
      return;
    }
    // Times in the user's own zone and locale, each naming the zone and the end ("until 11:00 CET"); unknown zone: UTC, said as such.
    const window = timeWindow(p.start, p.end, zone, m.locale);
    const until = clockTime(p.end, zone, m.locale);
    const facts = await this.o.tickets.windowFacts?.(kind, p);
    const quiet = (reason: string) => this.o.log?.({ event: 'notice.withheld', notice: job.id, reason });
    if (facts?.tapValue === 'never' || facts?.tapValue === 'uncertain') return quiet(`the pass's value ${facts.tapValue === 'never' ? 'never reached' : 'may not have reached'} the user`);
    if (kind === 'tap.start' && facts?.tapValue === 'bot') return quiet('the delivery of the pass was the message');
    if (kind !== 'tap.start' && facts?.through === false) return quiet('the window does not get the user through');
    if (kind === 'tap.start' && facts && facts.through !== true) {
      // A pass issued elsewhere: said as it is — it does not get them through, or it could not be checked.
      const card =
        facts.through === false
          ? noticeCard({ title: m.t('noticeCards.tapBlocked.title'), text: m.t('noticeCards.tapBlocked.text', { until, window, blocking: stillBlocking(facts.blocking ?? [], m) }) }, m)
          : noticeCard({ title: m.t('noticeCards.tapElsewhere.title'), text: m.t('noticeCards.tapElsewhere.text', { until, window }) }, m);
      await this.send(p.userId, job.id, card);
      return;
    }
    const card =
      kind === 'tap.start'
        ? noticeCard({ title: m.t('noticeCards.tapStart.title'), text: m.t('noticeCards.tapStart.text', { until, window }) }, m)
        : kind === 'tap.reminder'
          ? noticeCard({ title: m.t('noticeCards.tapReminder.title'), text: m.t('noticeCards.tapReminder.text', { until }) }, m)
          : kind === 'tap.end'
            ? noticeCard(
                {
                  title: m.t('noticeCards.tapEnd.title'),
                  text: m.t('noticeCards.tapEnd.text', { window }),
                  actions: [{ title: m.t('noticeCards.tapEnd.button'), data: { action: 'ticketReopen', ticketId: p.ticketId, session: '' } }],
                },
                m,
              )
            : noticeCard({ title: m.t('noticeCards.exemptionReminder.title'), text: m.t('noticeCards.exemptionReminder.text', { until }) }, m);
    await this.send(p.userId, job.id, card);
  }

  private async send(userId: string, noticeId: string, card: AdaptiveCard): Promise<void> {
    let outcome: 'sent' | 'undeliverable';
    try {
      outcome = await this.o.sender.toUser(userId, card, noticeId);
    } catch (e) {
      this.o.metrics?.inc('passkey_notices_total', { outcome: 'failed' });
      throw e;
    }
    this.o.metrics?.inc('passkey_notices_total', { outcome });
    if (outcome === 'undeliverable') this.o.log?.({ event: 'notice.undeliverable', notice: noticeId });
  }
}

/** What still blocks, in the user's words: 'A sign-in rule does not accept Authenticator (the policy "…")'. */
export function stillBlocking(blocking: Blocker[], m: Messages = english()): string {
  return blockersInWords(blocking, m);
}
