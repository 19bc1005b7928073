// The help desk: opens tickets and carries out agent actions — take, issue a Temporary Access
// Pass, grant a time-boxed exemption, resolve, reopen — authorised (help-desk group, checked
// through Graph), audited, and exactly once per ticket even under double clicks and retries.
// It talks to Teams only through the HelpDeskNotifier port, so it never imports botbuilder.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { Diagnosis } from '../diagnosis';
import { odataType } from '../diagnosis';
import { addGroupMember, createTemporaryAccessPass, deleteTemporaryAccessPass, GraphReadError, readAll, removeGroupMember, type TenantFactsCache } from '../graph';
import { graphGet } from '../graph/read';
import type { Job, JobScheduler } from '../scheduler/scheduler';
import { metrics } from '../metrics';
import { KeyedMutex } from '../storage/key-value';
import type { AuditLog } from './audit';
import { newTicketId, window, type Person, type Ticket } from './ticket';
import type { TicketStore } from './ticket-store';

export interface TapPolicy {
  enabled: boolean;
  minLifetime: number;
  maxLifetime: number;
  defaultLifetime: number;
  /** The tenant forces one-time passes. */
  forcedOneTime: boolean;
}

export interface TapIssued {
  value: string;
  start: string;
  end: string;
  oneTime: boolean;
}

/** How the help desk reaches people; implemented by the Teams layer (or a webhook). */
export interface HelpDeskNotifier {
  /** Posts a new ticket card to the help-desk channel; returns where it lives (to update it). */
  postTicket(ticket: Ticket): Promise<Ticket['channelPost']>;
  /** Updates the ticket card in place and adds `line` to its thread. */
  ticketChanged(ticket: Ticket, line: string): Promise<void>;
  /** Tells the requester, in their personal chat, what happened. */
  requesterUpdate(ticket: Ticket, update: RequesterUpdate): Promise<void>;
  /** Hands the TAP value to the requester, in their personal chat only. */
  deliverTap(ticket: Ticket, tap: TapIssued): Promise<void>;
}

export type RequesterUpdate =
  | { kind: 'taken' }
  | { kind: 'tapIssued' }
  | { kind: 'exemptionGranted' }
  | { kind: 'exemptionEnded' }
  | { kind: 'resolved' }
  | { kind: 'reopened' };

export interface HelpDeskOptions {
  graph: Client;
  tenantFacts: TenantFactsCache;
  tickets: TicketStore;
  audit: AuditLog;
  scheduler: JobScheduler;
  notifier: HelpDeskNotifier;
  now: () => Date;
  /** Members of this group (transitively) may act on tickets. */
  helpDeskGroupId: string;
  /** Users are added to this group for a temporary exemption; no exemptions when absent. */
  exemptionGroupId?: string;
  exemptionHours?: number[];
  /** Told after a TAP is issued or an exemption granted (window notices hang off these). */
  events?: { tapIssued?(ticket: Ticket): Promise<void>; exemptionGranted?(ticket: Ticket): Promise<void> };
  /** Told when the bot changed this user in Entra (TAP issued, exemption added or removed). */
  userChanged?(aadObjectId: string): void;
  log?: (event: Record<string, unknown>) => void;
}

export type AgentVerb = 'take' | 'issueTap' | 'grantExemption' | 'resolve' | 'reopen';

export interface AgentInputs {
  tapLifetime?: number;
  tapOneTime?: boolean;
  exemptionHours?: number;
  note?: string;
}

export type ActionOutcome =
  | { outcome: 'done'; ticket: Ticket; message: string }
  | { outcome: 'already-done' | 'refused' | 'failed'; ticket?: Ticket; message: string };

const REMOVE_EXEMPTION = 'removeExemption';
const MEMBERSHIP_TTL_MS = 120_000;

export class HelpDesk {
  private readonly mutex = new KeyedMutex();
  private readonly membership = new Map<string, { isAgent: boolean; at: number }>();
  private groupName?: Promise<string | undefined>;

  constructor(private readonly o: HelpDeskOptions) {
    o.scheduler.on(REMOVE_EXEMPTION, (job) => this.removeExemption(job), { idempotent: true });
  }

  /** Display name of the exemption group, for the ticket card (read once). */
  async exemptionGroupName(): Promise<string | undefined> {
    if (!this.o.exemptionGroupId) return undefined;
    this.groupName ??= graphGet<{ displayName?: string }>(this.o.graph, `/groups/${encodeURIComponent(this.o.exemptionGroupId)}?$select=displayName`)
      .then((g) => g.displayName ?? this.o.exemptionGroupId)
      .catch(() => this.o.exemptionGroupId);
    return this.groupName;
  }

  get exemptionHours(): number[] | undefined {
    return this.o.exemptionGroupId ? (this.o.exemptionHours ?? [1, 2, 4, 8, 24]) : undefined;
  }

  /** Opens a ticket and posts it to the help-desk channel. */
  async open(input: {
    requester: Person;
    reason: Ticket['reason'];
    diagnosis: Diagnosis | null;
    errorIds: Ticket['errorIds'];
    transcript: string[];
  }): Promise<Ticket> {
    const now = this.o.now().toISOString();
    let id = newTicketId();
    while (await this.o.tickets.get(id)) id = newTicketId();
    const ticket: Ticket = {
      id,
      createdAt: now,
      status: 'open',
      requester: input.requester,
      reason: input.reason,
      diagnosis: input.diagnosis,
      errorIds: input.errorIds,
      transcript: input.transcript.slice(-30),
      history: [{ at: now, by: input.requester.name, text: `${input.requester.name} asked for help${input.reason === 'requestTap' ? ' (a Temporary Access Pass)' : ''}` }],
    };
    await this.o.tickets.create(ticket);
    try {
      ticket.channelPost = await this.o.notifier.postTicket(ticket);
      await this.o.tickets.put(ticket);
    } catch (e) {
      // The ticket is stored and listed; the channel post can be retried by an agent's refresh.
      this.o.log?.({ event: 'ticket.post.failed', ticket: id, error: (e as Error).message });
    }
    await this.o.audit.append({ at: now, actor: { aadObjectId: input.requester.aadObjectId, name: input.requester.name }, action: 'open', ticketId: id, outcome: 'done' });
    metrics.inc('passkey_escalations_total');
    return ticket;
  }

  ticket(id: string): Promise<Ticket | undefined> {
    return this.o.tickets.get(id);
  }

  openTicketOf(aadObjectId: string): Promise<Ticket | undefined> {
    return this.o.tickets.openTicketOf(aadObjectId);
  }

  async tapPolicy(): Promise<TapPolicy> {
    const facts = await this.o.tenantFacts.get();
    const c = facts.methodConfigurations.find((m) => odataType(m) === 'temporaryAccessPassAuthenticationMethodConfiguration') as
      | { state?: string; minimumLifetimeInMinutes?: number; maximumLifetimeInMinutes?: number; defaultLifetimeInMinutes?: number; isUsableOnce?: boolean }
      | undefined;
    const min = c?.minimumLifetimeInMinutes ?? 60;
    const max = c?.maximumLifetimeInMinutes ?? 480;
    return {
      enabled: c?.state === 'enabled',
      minLifetime: min,
      maxLifetime: max,
      defaultLifetime: Math.min(max, Math.max(min, c?.defaultLifetimeInMinutes ?? 60)),
      forcedOneTime: c?.isUsableOnce === true,
    };
  }

  /** Lifetimes an agent may choose: the policy's bounds and default, and round hours between. */
  static lifetimes(policy: TapPolicy): number[] {
    const candidates = [policy.minLifetime, policy.defaultLifetime, 60, 120, 240, 480, policy.maxLifetime];
    return [...new Set(candidates.filter((m) => m >= policy.minLifetime && m <= policy.maxLifetime))].sort((a, b) => a - b);
  }

  async isAgent(aadObjectId: string): Promise<boolean> {
    const hit = this.membership.get(aadObjectId);
    const now = Date.now();
    if (hit && now - hit.at < MEMBERSHIP_TTL_MS) return hit.isAgent;
    const groups = await readAll<{ id: string }>(this.o.graph, `/users/${encodeURIComponent(aadObjectId)}/transitiveMemberOf?$select=id`).catch((e) => {
      if (e instanceof GraphReadError && e.kind === 'notFound') return [];
      throw e;
    });
    const isAgent = groups.some((g) => g.id === this.o.helpDeskGroupId);
    this.membership.set(aadObjectId, { isAgent, at: now });
    return isAgent;
  }

  /** An agent's action on a ticket. Serialised per ticket, so the second click sees the first. */
  act(ticketId: string, agent: Person, verb: AgentVerb, inputs: AgentInputs = {}): Promise<ActionOutcome> {
    return this.mutex.run(ticketId, () => this.actNow(ticketId, agent, verb, inputs));
  }

  private async actNow(ticketId: string, agent: Person, verb: AgentVerb, inputs: AgentInputs): Promise<ActionOutcome> {
    const at = this.o.now();
    const audit = (outcome: ActionOutcome['outcome'], detail?: string) =>
      this.o.audit.append({ at: at.toISOString(), actor: { aadObjectId: agent.aadObjectId, name: agent.name }, action: verb, ticketId, outcome, detail });

    const ticket = await this.o.tickets.get(ticketId);
    if (!ticket) {
      await audit('refused', 'no such ticket');
      return { outcome: 'refused', message: `There is no ticket ${ticketId}.` };
    }
    let allowed: boolean;
    try {
      allowed = await this.isAgent(agent.aadObjectId);
    } catch (e) {
      await audit('failed', `membership check: ${(e as Error).message}`);
      return { outcome: 'failed', ticket, message: 'I could not check your help-desk membership right now (Microsoft Graph did not answer). Please try again.' };
    }
    if (!allowed) {
      await audit('refused', 'not a member of the help-desk group');
      return { outcome: 'refused', ticket, message: 'Only members of the help-desk group can act on tickets. Your attempt was recorded.' };
    }

    const done = async (line: string, update?: RequesterUpdate): Promise<ActionOutcome> => {
      ticket.history.push({ at: at.toISOString(), by: agent.name, text: line });
      await this.o.tickets.put(ticket);
      await audit('done', line);
      await this.o.notifier.ticketChanged(ticket, line).catch((e) => this.o.log?.({ event: 'ticket.update.failed', ticket: ticketId, error: (e as Error).message }));
      if (update) await this.o.notifier.requesterUpdate(ticket, update).catch((e) => this.o.log?.({ event: 'requester.update.failed', ticket: ticketId, error: (e as Error).message }));
      return { outcome: 'done', ticket, message: line };
    };
    const already = async (what: string, by: string, when: string): Promise<ActionOutcome> => {
      const message = `${what} already done by ${by} at ${when.slice(11, 16)}.`;
      await audit('already-done', message);
      return { outcome: 'already-done', ticket, message };
    };

    switch (verb) {
      case 'take':
        if (ticket.status === 'resolved') return this.refuse(ticket, audit, 'This ticket is resolved; reopen it first.');
        if (ticket.assignee) return already('Taking this ticket was', ticket.assignee.name, ticket.history.find((h) => h.text.includes('took'))?.at ?? ticket.createdAt);
        ticket.assignee = agent;
        ticket.status = 'taken';
        return done(`${agent.name} took the ticket`, { kind: 'taken' });

      case 'issueTap': {
        if (ticket.status === 'resolved') return this.refuse(ticket, audit, 'This ticket is resolved; reopen it first.');
        // One pass per window: a second click is "already done"; after the window, a new one may be issued.
        if (ticket.tap && Date.parse(ticket.tap.end) > at.getTime()) return already('Issuing a Temporary Access Pass was', ticket.tap.by.name, ticket.tap.at);
        const policy = await this.tapPolicy();
        if (!policy.enabled) return this.refuse(ticket, audit, 'The Temporary Access Pass method is disabled in the authentication methods policy.');
        if (ticket.diagnosis?.findings.some((f) => f.code === 'tap-unavailable-for-guest')) {
          return this.refuse(ticket, audit, `${ticket.requester.name} is a guest: a Temporary Access Pass cannot be issued to a guest.`);
        }
        if (ticket.diagnosis?.findings.some((f) => f.code === 'tap-method-disabled')) {
          return this.refuse(ticket, audit, `The Temporary Access Pass method does not include ${ticket.requester.name}.`);
        }
        const lifetime = inputs.tapLifetime ?? policy.defaultLifetime;
        if (!Number.isInteger(lifetime) || lifetime < policy.minLifetime || lifetime > policy.maxLifetime) {
          return this.refuse(ticket, audit, `The lifetime must be between ${policy.minLifetime} and ${policy.maxLifetime} minutes (the tenant's TAP policy).`);
        }
        const oneTime = policy.forcedOneTime || inputs.tapOneTime === true;
        let created;
        try {
          created = await this.createTap(ticket.requester.aadObjectId, lifetime, oneTime);
        } catch (e) {
          const message = e instanceof GraphReadError ? e.message : (e as Error).message;
          await audit('failed', message);
          return { outcome: 'failed', ticket, message: `Microsoft Graph refused the Temporary Access Pass: ${message}` };
        } finally {
          this.o.userChanged?.(ticket.requester.aadObjectId); // even a failed call may have landed
        }
        const start = new Date(created.startDateTime ?? at.toISOString()).toISOString();
        const end = new Date(Date.parse(start) + (created.lifetimeInMinutes ?? lifetime) * 60_000).toISOString();
        ticket.tap = { by: agent, at: at.toISOString(), start, end, oneTime: created.isUsableOnce ?? oneTime, methodId: created.id ?? '' };
        if (!ticket.assignee) {
          ticket.assignee = agent;
          ticket.status = 'taken';
        }
        // The value goes to the requester alone; the ticket, the channel and the audit get the window.
        await this.o.notifier.deliverTap(ticket, { value: created.temporaryAccessPass ?? '', start, end, oneTime: ticket.tap.oneTime });
        metrics.inc('passkey_taps_issued_total');
        const result = await done(`${agent.name} issued a Temporary Access Pass (${window(start, end)}${ticket.tap.oneTime ? ', one-time' : ''})`, { kind: 'tapIssued' });
        await this.o.events?.tapIssued?.(ticket).catch((e) => this.o.log?.({ event: 'notices.schedule.failed', ticket: ticketId, error: (e as Error).message }));
        return result;
      }

      case 'grantExemption': {
        if (!this.o.exemptionGroupId) return this.refuse(ticket, audit, 'No exemption group is configured (EXEMPTION_GROUP_ID).');
        if (ticket.status === 'resolved') return this.refuse(ticket, audit, 'This ticket is resolved; reopen it first.');
        if (ticket.exemption && !ticket.exemption.removedAt) return already('Granting an exemption was', ticket.exemption.by.name, ticket.exemption.at);
        const hours = inputs.exemptionHours ?? 1;
        if (!(this.exemptionHours ?? []).includes(hours)) return this.refuse(ticket, audit, `Choose one of the offered windows: ${(this.exemptionHours ?? []).join(', ')} hours.`);
        try {
          await addGroupMember(this.o.graph, this.o.exemptionGroupId, ticket.requester.aadObjectId);
        } catch (e) {
          await audit('failed', (e as Error).message);
          return { outcome: 'failed', ticket, message: `Microsoft Graph refused to add the user to the exemption group: ${(e as Error).message}` };
        } finally {
          this.o.userChanged?.(ticket.requester.aadObjectId);
        }
        const start = at.toISOString();
        const end = new Date(at.getTime() + hours * 3_600_000).toISOString();
        ticket.exemption = { by: agent, at: start, groupId: this.o.exemptionGroupId, start, end };
        if (!ticket.assignee) {
          ticket.assignee = agent;
          ticket.status = 'taken';
        }
        // Stored before we answer: the removal happens even if the bot restarts meanwhile.
        await this.o.scheduler.schedule({ id: `exemption-${ticket.id}`, kind: REMOVE_EXEMPTION, dueAt: end, payload: { ticketId: ticket.id } });
        metrics.inc('passkey_exemptions_granted_total');
        const result = await done(`${agent.name} granted a temporary exemption (${window(start, end)})`, { kind: 'exemptionGranted' });
        await this.o.events?.exemptionGranted?.(ticket).catch((e) => this.o.log?.({ event: 'notices.schedule.failed', ticket: ticketId, error: (e as Error).message }));
        return result;
      }

      case 'resolve': {
        if (ticket.status === 'resolved') return already('Resolving', ticket.resolution?.by.name ?? 'someone', ticket.resolution?.at ?? ticket.createdAt);
        const note = (inputs.note ?? '').trim().slice(0, 500) || 'Resolved';
        ticket.status = 'resolved';
        ticket.resolution = { by: agent, at: at.toISOString(), note };
        return done(`${agent.name} resolved the ticket: ${note}`, { kind: 'resolved' });
      }

      case 'reopen':
        if (ticket.status !== 'resolved') return already('Reopening', 'nobody — it is still open', at.toISOString());
        ticket.status = ticket.assignee ? 'taken' : 'open';
        ticket.resolution = undefined;
        return done(`${agent.name} reopened the ticket`, { kind: 'reopened' });
    }
  }

  /** The bot saw the passkey registered: close the ticket and say so in the channel. */
  async resolveByBot(ticketId: string, note: string): Promise<void> {
    await this.mutex.run(ticketId, async () => {
      const ticket = await this.o.tickets.get(ticketId);
      if (!ticket || ticket.status === 'resolved') return;
      const at = this.o.now().toISOString();
      const bot: Person = { aadObjectId: 'bot', name: 'passkey-support-bot' };
      ticket.status = 'resolved';
      ticket.resolution = { by: bot, at, note };
      const line = `Resolved automatically: ${note}`;
      ticket.history.push({ at, by: bot.name, text: line });
      await this.o.tickets.put(ticket);
      await this.o.audit.append({ at, actor: { aadObjectId: bot.aadObjectId, name: bot.name }, action: 'resolve', ticketId, outcome: 'done', detail: note });
      await this.o.notifier.ticketChanged(ticket, line).catch(() => undefined);
    });
  }

  /** The requester answers "Did this fix it?". */
  async requesterAnswer(ticketId: string, requester: Person, fixed: boolean): Promise<ActionOutcome> {
    return this.mutex.run(ticketId, async () => {
      const ticket = await this.o.tickets.get(ticketId);
      const at = this.o.now().toISOString();
      if (!ticket || ticket.requester.aadObjectId !== requester.aadObjectId) {
        await this.o.audit.append({ at, actor: { aadObjectId: requester.aadObjectId, name: requester.name }, action: fixed ? 'confirmFixed' : 'reopen', ticketId, outcome: 'refused', detail: 'not the requester' });
        return { outcome: 'refused', message: 'That ticket is not yours, so I did not change it.' };
      }
      const line = fixed ? `${requester.name} confirmed it works` : `${requester.name} reopened the ticket: it still does not work`;
      if (!fixed) {
        ticket.status = ticket.assignee ? 'taken' : 'open';
        ticket.resolution = undefined;
      }
      ticket.history.push({ at, by: requester.name, text: line });
      await this.o.tickets.put(ticket);
      await this.o.audit.append({ at, actor: { aadObjectId: requester.aadObjectId, name: requester.name }, action: fixed ? 'confirmFixed' : 'reopen', ticketId, outcome: 'done' });
      await this.o.notifier.ticketChanged(ticket, line).catch(() => undefined);
      return { outcome: 'done', ticket, message: line };
    });
  }

  private async refuse(ticket: Ticket, audit: (o: ActionOutcome['outcome'], d?: string) => Promise<void>, message: string): Promise<ActionOutcome> {
    await audit('refused', message);
    return { outcome: 'refused', ticket, message };
  }

  /** Graph holds one TAP per user: an old (expired or unused) one is replaced. */
  private async createTap(userId: string, lifetimeInMinutes: number, isUsableOnce: boolean) {
    const existing = await readAll<{ id: string }>(this.o.graph, `/users/${encodeURIComponent(userId)}/authentication/temporaryAccessPassMethods`);
    for (const old of existing) await deleteTemporaryAccessPass(this.o.graph, userId, old.id);
    // No startDateTime: the pass starts when Graph creates it (a client clock could be behind).
    return createTemporaryAccessPass(this.o.graph, userId, { lifetimeInMinutes, isUsableOnce });
  }

  private async removeExemption(job: Job): Promise<void> {
    const ticketId = String(job.payload.ticketId);
    await this.mutex.run(ticketId, async () => {
      const ticket = await this.o.tickets.get(ticketId);
      if (!ticket?.exemption || ticket.exemption.removedAt) return;
      const at = this.o.now().toISOString();
      try {
        await removeGroupMember(this.o.graph, ticket.exemption.groupId, ticket.requester.aadObjectId);
      } catch (e) {
        ticket.exemption.removalError = (e as Error).message;
        await this.o.tickets.put(ticket);
        throw e; // the scheduler retries with backoff
      } finally {
        this.o.userChanged?.(ticket.requester.aadObjectId);
      }
      ticket.exemption.removedAt = at;
      ticket.exemption.removalError = undefined;
      const line = `The temporary exemption ended at ${at.slice(11, 16)} and was removed`;
      ticket.history.push({ at, by: 'passkey-support-bot', text: line });
      await this.o.tickets.put(ticket);
      await this.o.audit.append({ at, actor: { aadObjectId: 'bot', name: 'passkey-support-bot' }, action: 'removeExemption', ticketId, outcome: 'done' });
      await this.o.notifier.ticketChanged(ticket, line).catch(() => undefined);
      await this.o.notifier.requesterUpdate(ticket, { kind: 'exemptionEnded' }).catch(() => undefined);
    });
  }
}
