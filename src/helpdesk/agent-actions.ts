// An agent's action on a ticket — take, issue a TAP, grant an exemption, resolve, reopen.
// Invariants:
// - serialised per ticket (the second click sees the first), and a forged ticket id is refused
//   (and audited, cut short) before it is used as a key;
// - only members of the help-desk group act (checked through Graph, remembered two minutes); every
//   attempt, allowed or not, is audited;
// - what an agent may do is one pure decision (decide.ts): first on the ticket's state alone; a
//   TAP or an exemption then again against the requester read from Graph just now — when that
//   differs from what the card showed, the card is redrawn and the thread says why nothing was done;
// - agents cannot issue a pass or an exemption to themselves (decide.ts: another agent must).
import type { Client } from '@microsoft/microsoft-graph-client';
import { GraphReadError, readAll } from '../graph';
import type { KeyedMutex } from '../storage/key-value';
import { helpDeskSpan } from '../telemetry';
import type { Person, Ticket } from '../tickets/ticket';
import { cut } from './audit-trail';
import type { AuditWriter } from './audit-writer';
import { english, type Messages } from '../i18n';
import { attemptRecorded, decide, type AgentInputs, type AgentVerb, type DecisionFacts, type TapPolicy } from './decide';
import { BOT, checkNow, TICKET_ID, type Audit, type Log } from './desk-kit';
import type { Exemptions } from './exemptions';
import type { ActionOutcome, HelpDeskNotifier } from './ports';
import type { CheckDeps } from './requester-check';
import type { SignInRelooks } from './sign-in-relook';
import type { TapIssuance } from './tap-issuance';
import type { TicketChanges } from './ticket-changes';
import type { TicketStore } from './ticket-store';

const MEMBERSHIP_TTL_MS = 120_000;

export interface AgentActionsDeps {
  graph: Client;
  tickets: TicketStore;
  notifier: HelpDeskNotifier;
  now: () => Date;
  mutex: KeyedMutex;
  auditWriter: AuditWriter;
  changes: TicketChanges;
  checks: CheckDeps;
  /** Members of this group (transitively) may act on tickets. */
  helpDeskGroupId: string;
  /** The tenant's TAP policy (bounds the lifetimes an agent may choose). */
  tapPolicy: () => Promise<TapPolicy>;
  exemptions: Exemptions;
  taps: TapIssuance;
  signIns: SignInRelooks;
  log: Log;
  /** The help desk's words (HELPDESK_LOCALE) for replies and thread lines; English by default. */
  m?: Messages;
  /** The help desk's zone (HELPDESK_TIMEZONE): times in replies are on its clock. */
  timeZone?: string;
}

export class AgentActions {
  private readonly membership = new Map<string, { isAgent: boolean; at: number }>();
  private readonly graph: Client;
  private readonly tickets: TicketStore;
  private readonly notifier: HelpDeskNotifier;
  private readonly now: () => Date;
  private readonly mutex: KeyedMutex;
  private readonly auditWriter: AuditWriter;
  private readonly changes: TicketChanges;
  private readonly checks: CheckDeps;
  private readonly helpDeskGroupId: string;
  private readonly tapPolicy: () => Promise<TapPolicy>;
  private readonly exemptions: Exemptions;
  private readonly taps: TapIssuance;
  private readonly signIns: SignInRelooks;
  private readonly log: Log;
  private readonly m: Messages;
  private readonly zone: string | undefined;

  constructor(deps: AgentActionsDeps) {
    this.m = deps.m ?? english();
    this.zone = deps.timeZone;
    this.graph = deps.graph;
    this.tickets = deps.tickets;
    this.notifier = deps.notifier;
    this.now = deps.now;
    this.mutex = deps.mutex;
    this.auditWriter = deps.auditWriter;
    this.changes = deps.changes;
    this.checks = deps.checks;
    this.helpDeskGroupId = deps.helpDeskGroupId;
    this.tapPolicy = deps.tapPolicy;
    this.exemptions = deps.exemptions;
    this.taps = deps.taps;
    this.signIns = deps.signIns;
    this.log = deps.log;
  }

  async isAgent(aadObjectId: string): Promise<boolean> {
    const hit = this.membership.get(aadObjectId);
    const now = Date.now();
    if (hit && now - hit.at < MEMBERSHIP_TTL_MS) return hit.isAgent;
    const groups = await readAll<{ id: string }>(this.graph, `/users/${encodeURIComponent(aadObjectId)}/transitiveMemberOf?$select=id`).catch((e) => {
      if (e instanceof GraphReadError && e.kind === 'notFound') return [];
      throw e;
    });
    const isAgent = groups.some((g) => g.id === this.helpDeskGroupId);
    this.membership.set(aadObjectId, { isAgent, at: now });
    return isAgent;
  }

  /** An agent's action on a ticket. Serialised per ticket, so the second click sees the first. */
  act(ticketId: string, agent: Person, verb: AgentVerb, inputs: AgentInputs = {}): Promise<ActionOutcome> {
    // A forged id is refused before it is used as a key (and written to the audit log cut short).
    if (!TICKET_ID.test(ticketId)) return this.noSuchTicket(ticketId, agent, verb);
    return helpDeskSpan(verb, ticketId, () => this.mutex.run(ticketId, () => this.actNow(ticketId, agent, verb, inputs)));
  }

  private async noSuchTicket(ticketId: string, agent: Person, verb: string): Promise<ActionOutcome> {
    await this.auditWriter.write({ at: this.now().toISOString(), actor: { aadObjectId: agent.aadObjectId, name: agent.name }, action: verb, ticketId, outcome: 'refused', detail: 'no such ticket' });
    return { outcome: 'refused', message: this.m.t('desk.noSuchTicket', { id: cut(ticketId, 40) }) };
  }

  private async actNow(ticketId: string, agent: Person, verb: AgentVerb, inputs: AgentInputs): Promise<ActionOutcome> {
    const at = this.now();
    const m = this.m;
    const audit: Audit = (outcome, detail) =>
      this.auditWriter.write({ at: at.toISOString(), actor: { aadObjectId: agent.aadObjectId, name: agent.name }, action: verb, ticketId, outcome, detail });

    const ticket = await this.tickets.get(ticketId);
    if (!ticket) return this.noSuchTicket(ticketId, agent, verb);
    let allowed: boolean;
    try {
      allowed = await this.isAgent(agent.aadObjectId);
    } catch (e) {
      await audit('failed', `membership check: ${(e as Error).message}`);
      return { outcome: 'failed', ticket, message: m.t('desk.membershipFailed') };
    }
    if (!allowed) {
      await audit('refused', 'not a member of the help-desk group');
      return { outcome: 'refused', ticket, message: `${m.t('desk.notAgent')} ${attemptRecorded(m)}` };
    }
    // What this agent may do, decided in one place (decide.ts): first on the ticket's state
    // alone; a TAP or an exemption then again, against the requester read from Graph just now.
    const facts: DecisionFacts = {
      ticket,
      now: at,
      ...(verb === 'issueTap' ? { tapPolicy: await this.tapPolicy() } : {}),
      ...(this.exemptions.hours ? { exemption: { hours: this.exemptions.hours } } : {}),
      agent,
      inputs,
      m,
      ...(this.zone ? { timeZone: this.zone } : {}),
    };
    let decision = decide(verb, facts);
    if (decision.allowed && (verb === 'issueTap' || verb === 'grantExemption')) {
      const fresh = await checkNow(this.checks, this.log, ticket, at);
      if ('error' in fresh) {
        await audit('failed', `checking the requester: ${fresh.error}`);
        return { outcome: 'failed', ticket, message: m.t('desk.readFailed', { name: ticket.requester.name, error: fresh.error }) };
      }
      // What the card showed (it is drawn from the stored check), then the check of now.
      const shown = decide(verb, { ...facts, check: ticket.check, agent: undefined, inputs: undefined });
      const changed = JSON.stringify(ticket.check?.remedies.map((r) => [r.code, r.clears]) ?? null) !== JSON.stringify(fresh.check.remedies.map((r) => [r.code, r.clears])) || ticket.check?.guest !== fresh.check.guest || ticket.check?.tapTargeted !== fresh.check.tapTargeted;
      ticket.check = fresh.check;
      ticket.checkError = undefined;
      await this.tickets.put(ticket);
      decision = decide(verb, { ...facts, check: fresh.check, shown: shown.allowed ? shown.effect : undefined });
      if (!decision.allowed && decision.outcome === 'refused' && changed) {
        // The card said otherwise: redraw it with what the check found (and say so in the thread).
        const reason = decision.reason.endsWith(` ${attemptRecorded(m)}`) ? decision.reason.slice(0, -` ${attemptRecorded(m)}`.length) : decision.reason;
        const button = verb === 'issueTap' ? m.t('ticketCard.button.tapShow') : m.t('ticketCard.button.exemptShow');
        const line = m.t('desk.line.notCarriedOut', { agent: agent.name, button, reason });
        ticket.history.push({ at: at.toISOString(), by: BOT.name, text: cut(line, 600) });
        await this.tickets.put(ticket);
        await this.notifier.ticketChanged(ticket, cut(line, 600)).catch((e: Error) => this.log({ event: 'ticket.update.failed', ticket: ticket.id, error: e.message }));
      }
    }
    if (!decision.allowed) {
      if (decision.outcome === 'refused') return this.refuse(ticket, audit, decision.reason);
      await audit('already-done', decision.reason);
      return { outcome: 'already-done', ticket, message: decision.reason };
    }

    switch (verb) {
      case 'take':
        ticket.assignee = agent;
        ticket.status = 'taken';
        return this.changes.record(ticket, at, audit, agent, m.t('desk.line.took', { name: agent.name }), { kind: 'taken' });

      case 'issueTap':
        return this.taps.issue(ticket, agent, at, audit, decision.lifetime!, decision.oneTime === true, decision);

      case 'grantExemption':
        return this.exemptions.grant(ticket, agent, at, audit, decision.hours!, decision);

      case 'resolve': {
        const note = (inputs.note ?? '').trim().slice(0, 500) || m.t('desk.resolvedNote');
        ticket.status = 'resolved';
        ticket.resolution = { by: agent, at: at.toISOString(), note };
        await this.signIns.stop(ticket);
        return this.changes.record(ticket, at, audit, agent, m.t('desk.line.resolved', { name: agent.name, note }), { kind: 'resolved' });
      }

      case 'reopen':
        ticket.status = ticket.assignee ? 'taken' : 'open';
        ticket.resolution = undefined;
        return this.changes.record(ticket, at, audit, agent, m.t('desk.line.reopened', { name: agent.name }), { kind: 'reopened' });
    }
  }

  private async refuse(ticket: Ticket, audit: Audit, message: string): Promise<ActionOutcome> {
    await audit('refused', message);
    return { outcome: 'refused', ticket, message };
  }
}
