// The requester's cards about their ticket: the confirmation, updates (taken, TAP issued,
// exemption, resolved, …), the Temporary Access Pass itself and "did this fix it?". Only
// tapDeliveryCard ever takes a TAP value. Every word comes from the catalogue (namespace
// `requester`) in the requester's language: `m` is the reader's messages.
import { english, type Messages } from '../i18n';
import type { Diagnosis } from '../diagnosis';
import type { AfterCheck, Blocker, Person, Ticket } from '../tickets/ticket';
import { adviceFor } from './advice';
import { findingCopy } from './copy';
import { renderCard, type AdaptiveCard } from './render';
import { cardDate, cardTime, type TicketSubmit } from './ticket-views';
import { timeWindow } from './time-words';

/** 'the policy "A"', 'the policies "A" and "B"' in the reader's language, names exactly as the tenant wrote them. */
export function policiesInWords(names: readonly string[], m: Messages = english()): string {
  const quoted = [...new Set(names)].filter((n) => n.trim() !== '').map((name) => m.t('requesterCards.quoted', { name }));
  return m.t('requesterCards.policies', { count: quoted.length, names: m.list(quoted) });
}

/** What still blocks, in the employee's words: 'A sign-in rule does not accept Authenticator (the policy "…")'; several joined by '; '. */
export function blockersInWords(blocking: readonly Blocker[], m: Messages = english()): string {
  if (blocking.length === 0) return m.t('requesterCards.nothingNamed');
  return blocking
    .map((b) => {
      const finding = findingCopy(b.code, m).title;
      return b.policyNames.some((n) => n.trim() !== '') ? m.t('requesterCards.blocker', { finding, policies: policiesInWords(b.policyNames, m) }) : finding;
    })
    .join('; ');
}

const numbered = (texts: string[]) => texts.map((text, i) => ({ number: `${i + 1}.`, text }));

/** The requester's card right after the ticket is created. */
export function ticketConfirmationCard(ticket: Ticket, m: Messages = english()): AdaptiveCard {
  const id = ticket.id;
  const advice = ticket.diagnosis ? adviceFor(ticket.diagnosis, { tapOffered: false }, m) : undefined;
  // Said only when it is true: a ticket whose channel post failed is saved, not seen yet.
  const unseen = ticket.channelPostPending !== undefined;
  const nextAt = ticket.channelPostPending?.nextAttemptAt;
  return renderCard('ticket-confirmation', {
    title: unseen ? m.t('requesterCards.confirmation.titleUnseen', { id }) : m.t('requesterCards.confirmation.title', { id }),
    intro: unseen
      ? nextAt
        ? m.t('requesterCards.confirmation.introUnseenNext', { id, time: cardTime(nextAt) })
        : m.t('requesterCards.confirmation.introUnseen', { id })
      : ticket.reason === 'requestTap'
        ? m.t('requesterCards.confirmation.introTap')
        : m.t('requesterCards.confirmation.intro'),
    nextHeading: m.t('requesterCards.confirmation.nextHeading'),
    next: numbered([m.t('requesterCards.confirmation.next.look'), m.t('requesterCards.confirmation.next.message'), m.t('requesterCards.confirmation.next.tap')]),
    facts: [{ title: m.t('requesterCards.fact.ticket'), value: id }, ...(advice ? [{ title: m.t('requesterCards.fact.problem'), value: advice.title }] : [])],
    quote: m.t('requesterCards.confirmation.quote', { id }),
  }, { messages: m });
}

export interface TapDelivery {
  ticketId: string;
  /** The Temporary Access Pass itself: this card is the only one that may carry it. */
  value: string;
  start: string;
  end: string;
  oneTime: boolean;
  platform: Diagnosis['context']['platform'];
  /**
   * The requester diagnosed with this pass in place, before this card was sent: the card says
   * it works only when nothing blocks any more, and what still blocks when something does.
   */
  after?: AfterCheck;
  /** The requester's time zone (from their Teams client); undefined: UTC, said as such. */
  timeZone?: string;
}

/**
 * The Temporary Access Pass, for the requester's personal chat only. It is the one message about
 * the pass: when it works, how long, how to use it — or, checked, that it does not get them through yet.
 * The window is said in the reader's locale and zone ("10:00–11:00 MEZ").
 */
export function tapDeliveryCard(input: TapDelivery, m: Messages = english()): AdaptiveCard {
  if (input.value.trim() === '') throw new Error(`Ticket ${input.ticketId}: no Temporary Access Pass value to deliver`);
  const id = input.ticketId;
  const blocked = input.after?.clears === false;
  return renderCard('tap-delivery', {
    title: blocked ? m.t('requesterCards.tap.titleBlocked') : m.t('requesterCards.tap.title'),
    intro: blocked
      ? m.t('requesterCards.tap.introBlocked', { blocking: blockersInWords(input.after!.blocking, m), id })
      : input.after?.clears
        ? m.t('requesterCards.tap.introClears')
        : m.t('requesterCards.tap.intro'),
    value: input.value,
    validLocal: m.t('requesterCards.tap.validLocal', { from: cardTime(input.start), to: cardTime(input.end), date: cardDate(input.start) }),
    validUtc: m.t('requesterCards.tap.validWindow', { window: timeWindow(input.start, input.end, input.timeZone, m.locale) }),
    use: input.oneTime ? m.t('requesterCards.tap.useOnce') : m.t('requesterCards.tap.useMany'),
    stepsHeading: blocked ? m.t('requesterCards.tap.stepsHeadingBlocked') : m.t('requesterCards.tap.stepsHeading'),
    steps: numbered([
      m.t('requesterCards.tap.steps.open', { platform: input.platform }),
      m.t('requesterCards.tap.steps.add'),
      m.t('requesterCards.tap.steps.signIn'),
      m.t('requesterCards.tap.steps.follow'),
    ]),
    alreadyAdded: m.t('requesterCards.tap.alreadyAdded'),
    dontShare: m.t('requesterCards.tap.dontShare'),
    ticketLine: m.t('requesterCards.tap.ticketLine', { id }),
  }, { messages: m });
}

export interface TicketUpdateInput {
  ticketId: string;
  title: string;
  /** Paragraphs split on blank lines; may use Teams' {{DATE()}} / {{TIME()}} formatting. */
  text: string;
  facts?: { title: string; value: string }[];
  /** "success" colours the title green; default "info". */
  tone?: 'info' | 'success';
}

/** A short notice to the requester about their ticket. */
export function ticketUpdateCard(input: TicketUpdateInput, m: Messages = english()): AdaptiveCard {
  return renderCard('ticket-update', {
    title: input.title,
    titleColor: input.tone === 'success' ? 'Good' : 'Default',
    paragraphs: input.text
      .split(/\n\s*\n/)
      .map((text) => text.trim())
      .filter(Boolean)
      .map((text) => ({ text })),
    facts: [...(input.facts ?? []).map(({ title, value }) => ({ title, value })), { title: m.t('requesterCards.fact.ticket'), value: input.ticketId }],
  }, { messages: m });
}

export type TicketUpdateKind = 'taken' | 'tapIssued' | 'exemptionGranted' | 'exemptionEnded' | 'resolved' | 'reopened' | 'posted' | 'signInSeen';

/**
 * The words of the requester's update for something that happened to their ticket.
 * `zone`: the requester's time zone (undefined: UTC, said as such); `m`: their messages.
 */
export function ticketUpdateFor(ticket: Ticket, kind: TicketUpdateKind, zone?: string, m: Messages = english()): TicketUpdateInput {
  const id = ticket.id;
  switch (kind) {
    case 'taken': {
      const text = ticket.assignee ? m.t('requesterCards.update.taken.textNamed', { name: ticket.assignee.name }) : m.t('requesterCards.update.taken.text');
      return { ticketId: id, title: m.t('requesterCards.update.taken.title'), text };
    }
    case 'tapIssued': {
      const t = ticket.tap;
      if (!t) throw new Error(`Ticket ${id} has no Temporary Access Pass to tell the requester about`);
      return {
        ticketId: id,
        title: m.t('requesterCards.update.tapIssued.title'),
        tone: 'success',
        text: m.t('requesterCards.update.tapIssued.text', { from: cardTime(t.start), to: cardTime(t.end) }),
        facts: [{ title: m.t('requesterCards.fact.valid'), value: timeWindow(t.start, t.end, zone, m.locale) }],
      };
    }
    case 'exemptionGranted': {
      const e = ticket.exemption;
      if (!e) throw new Error(`Ticket ${id} has no exemption to tell the requester about`);
      const window = [{ title: m.t('requesterCards.fact.window'), value: timeWindow(e.start, e.end, zone, m.locale) }];
      if (e.after?.clears === false) {
        // Checked with the exemption in place, something still blocks: said as it is.
        return {
          ticketId: id,
          title: m.t('requesterCards.update.exemptionBlocked.title'),
          text: [m.t('requesterCards.update.exemptionBlocked.until', { until: cardTime(e.end), blocking: blockersInWords(e.after.blocking, m) }), m.t('requesterCards.update.exemptionBlocked.wait')].join('\n\n'),
          facts: window,
        };
      }
      return {
        ticketId: id,
        title: m.t('requesterCards.update.exemptionGranted.title'),
        tone: 'success',
        text: [
          e.after?.clears ? m.t('requesterCards.update.exemptionGranted.untilClears', { until: cardTime(e.end) }) : m.t('requesterCards.update.exemptionGranted.until', { until: cardTime(e.end) }),
          m.t('requesterCards.update.exemptionGranted.where'),
          m.t('requesterCards.update.exemptionGranted.after'),
        ].join('\n\n'),
        facts: window,
      };
    }
    case 'exemptionEnded':
      return { ticketId: id, title: m.t('requesterCards.update.exemptionEnded.title'), text: m.t('requesterCards.update.exemptionEnded.text') };
    case 'resolved': {
      const r = ticket.resolution;
      const by = r ? m.t('requesterCards.update.resolved.textNamed', { name: r.by.name }) : m.t('requesterCards.update.resolved.text');
      return { ticketId: id, title: m.t('requesterCards.update.resolved.title'), tone: 'success', text: `${by}${r?.note ? `\n\n${r.note}` : ''}` };
    }
    case 'reopened':
      return { ticketId: id, title: m.t('requesterCards.update.reopened.title'), text: m.t('requesterCards.update.reopened.text') };
    case 'posted':
      return { ticketId: id, title: m.t('requesterCards.update.posted.title'), text: m.t('requesterCards.update.posted.text') };
    case 'signInSeen': {
      const s = ticket.signIn;
      const named = s && s.failedPolicies.length > 0 ? 'yes' : 'no';
      const policies = s ? policiesInWords(s.failedPolicies, m) : '';
      return {
        ticketId: id,
        title: m.t('requesterCards.update.signInSeen.title'),
        text: s ? m.t('requesterCards.update.signInSeen.textAt', { time: cardTime(s.at), named, policies }) : m.t('requesterCards.update.signInSeen.text', { named, policies }),
      };
    }
  }
}

/**
 * The requester's answer to a follow-up on their open ticket ("it still asks for a passkey", or
 * "Contact the help desk" again): it is on the ticket, and who at the help desk has it.
 */
export function followUpUpdate(ticket: Ticket, m: Messages = english()): TicketUpdateInput {
  const text = ticket.channelPostPending
    ? m.t('requesterCards.followUp.pending', { id: ticket.id })
    : ticket.assignee
      ? m.t('requesterCards.followUp.textNamed', { name: ticket.assignee.name })
      : m.t('requesterCards.followUp.text');
  return { ticketId: ticket.id, title: m.t('requesterCards.followUp.title', { id: ticket.id }), text, facts: ticket.assignee ? [{ title: m.t('requesterCards.fact.with'), value: ticket.assignee.name }] : [] };
}

export interface TicketResolvedInput {
  ticketId: string;
  note: string;
  /** Who resolved it: a name, or the ticket's resolution.by; empty: "The help desk". */
  by: string | Pick<Person, 'name'>;
  /** Ties the buttons to a conversation session; omitted from the payloads when empty. */
  session?: string;
}

/** "Did this fix it?" for the requester, after the help desk resolved the ticket. */
export function ticketResolvedCard(input: TicketResolvedInput, m: Messages = english()): AdaptiveCard {
  const name = (typeof input.by === 'string' ? input.by : input.by.name).trim();
  const note = input.note.trim();
  const payload = (action: TicketSubmit['action']): TicketSubmit => ({ action, ticketId: input.ticketId, ...(input.session ? { session: input.session } : {}) });
  return renderCard('ticket-resolved', {
    fixedData: payload('ticketFixed'),
    reopenData: payload('ticketReopen'),
    title: m.t('requesterCards.resolvedCard.title', { id: input.ticketId }),
    byLine: name === '' ? (note ? m.t('requesterCards.resolvedCard.wroteUnnamed') : m.t('requesterCards.resolvedCard.markedUnnamed')) : note ? m.t('requesterCards.resolvedCard.wrote', { name }) : m.t('requesterCards.resolvedCard.marked', { name }),
    note,
    question: m.t('requesterCards.resolvedCard.question'),
    hint: m.t('requesterCards.resolvedCard.hint'),
    buttons: { fixed: m.t('requesterCards.resolvedCard.button.fixed'), reopen: m.t('requesterCards.resolvedCard.button.reopen') },
  }, { messages: m });
}
