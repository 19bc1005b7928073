// What an agent may do with a ticket, and what it would achieve — one pure function, used both by
// the ticket card (what to offer, and whether as the fix) and by the action (what to refuse).
// The rules: the ticket's state, separation of duties (requester ≠ agent), the tenant's TAP
// policy (enabled, lifetime bounds), the requester as Graph has them (a guest, in the TAP
// method's targets) and each remedy's checked effect. At action time `check` is the requester
// read from Graph just now; for the card, the ticket's last check. No I/O, no clock.
import type { Remedy } from '../diagnosis';
import { remedyWhy } from '../cards/remedy-words';
import { clockTime } from '../cards/time-words';
import { english, type Messages } from '../i18n';
import { tapLive, type Person, type Ticket, type TicketCheck } from '../tickets/ticket';

export type AgentVerb = 'take' | 'issueTap' | 'grantExemption' | 'resolve' | 'reopen';

export interface AgentInputs {
  tapLifetime?: number;
  tapOneTime?: boolean;
  exemptionHours?: number;
  note?: string;
}

export interface TapPolicy {
  enabled: boolean;
  minLifetime: number;
  maxLifetime: number;
  defaultLifetime: number;
  /** The tenant forces one-time passes. */
  forcedOneTime: boolean;
}

export interface DecisionFacts {
  ticket: Ticket;
  now: Date;
  /** The tenant's TAP policy (needed for issueTap only: without it no TAP is offered). */
  tapPolicy?: TapPolicy;
  /** The exemption group and the windows offered; absent when no group is configured. */
  exemption?: { hours: number[] };
  /** The requester as checked (fresh from Graph at action time; the ticket's last check for the card). */
  check?: TicketCheck;
  /** Who acts; absent when the card is drawn (for any agent). */
  agent?: Person;
  /** What the agent chose; absent when the card is drawn (its form offers valid values only). */
  inputs?: AgentInputs;
  /**
   * At action time: what the card the agent pressed showed for this remedy (its effect under the
   * ticket's stored check; the card is redrawn whenever that check changes). A remedy that does
   * not clear the block is carried out only when the card said so — on its warned form.
   */
  shown?: Effect;
  /** The help desk's words (HELPDESK_LOCALE) for reasons and effects; English by default. */
  m?: Messages;
  /** The help desk's zone (HELPDESK_TIMEZONE): times in replies are on its clock, named; absent: UTC hours and minutes. */
  timeZone?: string;
}

/**
 * What the remedy achieves, as checked: it clears the block; it does not (something still
 * blocks); nothing blocks, so it is not needed; or it could not be checked.
 */
export type Effect = 'clears' | 'does-not-clear' | 'not-needed' | 'unchecked';

export type Decision =
  | {
      allowed: false;
      outcome: 'refused' | 'already-done';
      reason: string;
      /**
       * The refusal is about the requester or the tenant (a guest, the TAP method), not about
       * this click or the ticket's state: the card says it where the button would be.
       */
      standing: boolean;
    }
  | {
      allowed: true;
      /** For issueTap and grantExemption; 'not-needed' for the other verbs. */
      effect: Effect;
      /** The engine's check of this remedy, when there is one. */
      remedy?: Remedy;
      /** One sentence: what the remedy does, as checked ('' when unchecked). */
      why: string;
      /** The remedy does not clear the block: offered only on the warned form, carried out only from it. */
      warned: boolean;
      lifetime?: number;
      oneTime?: boolean;
      hours?: number;
    };

const refused = (reason: string, standing = false): Decision => ({ allowed: false, outcome: 'refused', reason, standing });
type Done = 'take' | 'issueTap' | 'grantExemption' | 'resolve';
/** "10:00 CEST" on the desk's clock; without a zone, UTC's "10:00" (as replies always said). */
const hhmm = (at: string, m: Messages, zone: string | undefined): string => (zone ? clockTime(at, zone, m.locale) : at.slice(11, 16));
const already = (m: Messages, what: Done, by: string, at: string, zone?: string): Decision => ({
  allowed: false,
  outcome: 'already-done',
  reason: m.t('desk.already', { what, by, time: hhmm(at, m, zone) }),
  standing: false,
});
const OWN = new Set<AgentVerb>(['issueTap', 'grantExemption', 'take']);

/** "Your attempt was recorded." in the desk's words: the end of a refusal that was audited. */
export const attemptRecorded = (m: Messages = english()): string => m.t('desk.attemptRecorded');

/** What `verb` may do on this ticket now, and what it would achieve. */
export function decide(verb: AgentVerb, f: DecisionFacts): Decision {
  const { ticket, agent } = f;
  const m = f.m ?? english();
  // Separation of duties: an agent's own ticket is handled by another agent (closing or
  // reopening it stays possible, as for any requester).
  if (agent && agent.aadObjectId === ticket.requester.aadObjectId && OWN.has(verb)) {
    return refused(`${m.t('desk.refuse.own', { verb: verb === 'issueTap' ? 'issueTap' : verb === 'grantExemption' ? 'grantExemption' : 'take' })} ${attemptRecorded(m)}`);
  }
  switch (verb) {
    case 'take':
      if (ticket.status === 'resolved') return refused(m.t('desk.refuse.resolved'));
      if (ticket.assignee) return already(m, 'take', ticket.assignee.name, ticket.history.find((h) => h.text.includes('took') || h.text === m.t('desk.line.took', { name: ticket.assignee?.name ?? '' }))?.at ?? ticket.createdAt, f.timeZone);
      return plain();
    case 'issueTap':
      return issueTap(f);
    case 'grantExemption':
      return grantExemption(f);
    case 'resolve':
      if (ticket.status === 'resolved') return already(m, 'resolve', ticket.resolution?.by.name ?? m.t('desk.someone'), ticket.resolution?.at ?? ticket.createdAt, f.timeZone);
      return plain();
    case 'reopen':
      if (ticket.status !== 'resolved') return { allowed: false, outcome: 'already-done', reason: m.t('desk.stillOpen', { time: hhmm(f.now.toISOString(), m, f.timeZone) }), standing: false };
      return plain();
  }
}

/** Every verb at once, for the card. */
export function decideAll(f: Omit<DecisionFacts, 'agent' | 'inputs' | 'shown'>): Record<AgentVerb, Decision> {
  const verbs: AgentVerb[] = ['take', 'issueTap', 'grantExemption', 'resolve', 'reopen'];
  return Object.fromEntries(verbs.map((v) => [v, decide(v, f)])) as Record<AgentVerb, Decision>;
}

function plain(): Decision {
  return { allowed: true, effect: 'not-needed', why: '', warned: false };
}

function issueTap(f: DecisionFacts): Decision {
  const { ticket, tapPolicy: policy, check, inputs } = f;
  const m = f.m ?? english();
  const name = ticket.requester.name;
  if (ticket.status === 'resolved') return refused(m.t('desk.refuse.resolved'));
  // One pass per window: a second click is "already done"; after the window, a new one may be issued.
  if (tapLive(ticket.tap, f.now)) return already(m, 'issueTap', ticket.tap.by.name, ticket.tap.at, f.timeZone);
  if (!policy?.enabled) return refused(m.t('desk.refuse.tapDisabled'), true);
  if (check?.guest) return refused(m.t('desk.refuse.tapGuest', { name }), true);
  if (check && !check.tapTargeted) return refused(m.t('desk.refuse.tapNotTargeted', { name }), true);
  let lifetime: number | undefined;
  let oneTime: boolean | undefined;
  if (inputs) {
    lifetime = inputs.tapLifetime ?? policy.defaultLifetime;
    if (!Number.isInteger(lifetime) || lifetime < policy.minLifetime || lifetime > policy.maxLifetime) {
      return refused(m.t('desk.refuse.lifetime', { min: String(policy.minLifetime), max: String(policy.maxLifetime) }));
    }
    oneTime = policy.forcedOneTime || inputs.tapOneTime === true;
  }
  return withEffect(f, effectOf(check, 'temporary-access-pass', name, m, f.timeZone), { lifetime, oneTime });
}

function grantExemption(f: DecisionFacts): Decision {
  const { ticket, check, inputs } = f;
  const m = f.m ?? english();
  if (!f.exemption) return refused(m.t('desk.refuse.noExemptionGroup'), true);
  if (ticket.status === 'resolved') return refused(m.t('desk.refuse.resolved'));
  if (ticket.exemption && !ticket.exemption.removedAt) return already(m, 'grantExemption', ticket.exemption.by.name, ticket.exemption.at, f.timeZone);
  let hours: number | undefined;
  if (inputs) {
    hours = inputs.exemptionHours ?? 1;
    if (!f.exemption.hours.includes(hours)) return refused(m.t('desk.refuse.hours', { hours: f.exemption.hours.join(', ') }));
  }
  let effect = effectOf(check, 'temporary-exemption', ticket.requester.name, m, f.timeZone);
  if (effect.effect === 'unchecked' && check?.exemptionGroup && check.blocking.length > 0) {
    // The engine checks an exemption only against Conditional Access: nothing else is lifted by it.
    const what = check.blocking.map((b) => b.code).join(', ');
    effect = { effect: 'does-not-clear', why: m.t('desk.exemptionNoCa', { name: ticket.requester.name, what }) };
  }
  return withEffect(f, effect, { hours });
}

function effectOf(check: TicketCheck | undefined, code: Remedy['code'], name: string, m: Messages, zone: string | undefined): { effect: Effect; why: string; remedy?: Remedy } {
  if (!check) return { effect: 'unchecked', why: '' };
  if (check.blocking.length === 0) return { effect: 'not-needed', why: m.t('desk.nothingBlocks', { name, time: zone ? clockTime(check.at, zone, m.locale) : `${check.at.slice(11, 16)} UTC` }) };
  const remedy = check.remedies.find((r) => r.code === code);
  if (!remedy) return { effect: 'unchecked', why: '' };
  return { effect: remedy.clears ? 'clears' : 'does-not-clear', why: remedyWhy(remedy, m), remedy };
}

function withEffect(f: DecisionFacts, e: { effect: Effect; why: string; remedy?: Remedy }, chosen: { lifetime?: number; oneTime?: boolean; hours?: number }): Decision {
  const warned = e.effect === 'does-not-clear';
  if (warned && f.inputs && f.shown !== 'does-not-clear') {
    // The card the agent pressed did not say so (the requester changed since, or it was drawn
    // before the check): nothing is done, they are told what the check found, and the card is
    // redrawn with it — its warned form is there if they still want to go ahead.
    return refused((f.m ?? english()).t('desk.refuse.changed', { why: e.why, name: f.ticket.requester.name }));
  }
  return {
    allowed: true,
    effect: e.effect,
    ...(e.remedy ? { remedy: e.remedy } : {}),
    why: e.why,
    warned,
    ...(chosen.lifetime !== undefined ? { lifetime: chosen.lifetime } : {}),
    ...(chosen.oneTime !== undefined ? { oneTime: chosen.oneTime } : {}),
    ...(chosen.hours !== undefined ? { hours: chosen.hours } : {}),
  };
}
