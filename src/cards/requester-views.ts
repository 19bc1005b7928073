// The requester's cards about their ticket: the confirmation, updates (taken, TAP issued,
// exemption, resolved, …), the Temporary Access Pass itself and "did this fix it?". Only
// tapDeliveryCard ever takes a TAP value.
import { english, type Messages } from '../i18n';
import type { Diagnosis } from '../diagnosis';
import type { AfterCheck, Person, Ticket } from '../tickets/ticket';
import { adviceFor } from './advice';
import { policyPhrase } from './copy';
import { renderCard, type AdaptiveCard } from './render';
import { TICKET_BUTTONS, blockedInWords, cardDate, cardTime, type TicketSubmit } from './ticket-views';
import { timeWindow } from './time-words';

/** The requester's card right after the ticket is created. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the catalogue work (issue 15) is threading `m` in
export function ticketConfirmationCard(ticket: Ticket, m: Messages = english()): AdaptiveCard {
  const next = [
    'A help-desk agent will look at what the bot found and what you tried.',
    'You will get a message here when they act on it.',
    'If they issue you a Temporary Access Pass, you will receive it here, privately, with the time it is valid.',
  ];
  const advice = ticket.diagnosis ? adviceFor(ticket.diagnosis, { tapOffered: false }) : undefined;
  // Said only when it is true: a ticket whose channel post failed is saved, not seen yet.
  const unseen = ticket.channelPostPending !== undefined;
  return renderCard('ticket-confirmation', {
    title: unseen ? `Your ticket ${ticket.id} is saved, but has not reached the help desk yet` : `Your ticket ${ticket.id} is with the help desk`,
    intro: unseen
      ? `The bot could not post it to the help desk just now. It keeps trying${ticket.channelPostPending?.nextAttemptAt ? ` (next at ${cardTime(ticket.channelPostPending.nextAttemptAt)}, your time)` : ''} and tells you here when the help desk has it. If it is urgent, call the help desk and quote ${ticket.id}.`
      : ticket.reason === 'requestTap'
        ? 'You asked for a Temporary Access Pass. The help desk has your request and what the bot found.'
        : 'The help desk has your request and what the bot found.',
    nextHeading: 'What happens next',
    next: next.map((text, i) => ({ number: `${i + 1}.`, text })),
    facts: [{ title: 'Ticket', value: ticket.id }, ...(advice ? [{ title: 'Problem', value: advice.title }] : [])],
    quote: `Quote ${ticket.id} if you contact the help desk another way. The help desk will never ask you for a password or a pass.`,
  });
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
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the catalogue work (issue 15) is threading `m` in
export function tapDeliveryCard(input: TapDelivery, m: Messages = english()): AdaptiveCard {
  if (input.value.trim() === '') throw new Error(`Ticket ${input.ticketId}: no Temporary Access Pass value to deliver`);
  const phone = input.platform === 'iOS' ? 'iPhone' : 'Android phone';
  const blocked = input.after?.clears === false;
  return renderCard('tap-delivery', {
    title: blocked ? 'Your Temporary Access Pass (it will not get you through yet)' : 'Your Temporary Access Pass',
    intro: blocked
      ? `The help desk issued this pass, but with it you are still blocked: ${blockedInWords(input.after!.blocking)}. The help desk knows and has your ticket ${input.ticketId}; wait for them before you try, and keep the pass until then.`
      : input.after?.clears
        ? 'It works now: with this pass nothing else blocks you. Use it to sign in to Microsoft Authenticator and add your passkey.'
        : 'Use it to sign in to Microsoft Authenticator and add your passkey.',
    value: input.value,
    validLocal: `Valid from ${cardTime(input.start)} to ${cardTime(input.end)}, ${cardDate(input.start)} (your time).`,
    validUtc: `Valid ${timeWindow(input.start, input.end, input.timeZone)}.`,
    use: input.oneTime
      ? 'It works once: after you sign in with it, it stops working, so add the passkey in the same go.'
      : 'You can use it more than once until it expires, but add the passkey as soon as you can.',
    stepsHeading: blocked ? 'How to use it, once the help desk says it works' : 'How to add your passkey',
    steps: [
      `Open Microsoft Authenticator on your ${phone}.`,
      'Tap + (Add account), then Work or school account, then Sign in.',
      'Enter your work account and, when asked, sign in with the Temporary Access Pass above.',
      'Follow the steps to add the passkey.',
    ].map((text, i) => ({ number: `${i + 1}.`, text })),
    alreadyAdded: 'If your work account is already in Authenticator, tap it and choose to add a passkey instead, then sign in with the pass when asked.',
    dontShare: 'Don’t share this pass with anyone, not even the help desk: it signs in as you until it expires.',
    ticketLine: `Ticket ${input.ticketId}`,
  });
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
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the catalogue work (issue 15) is threading `m` in
export function ticketUpdateCard(input: TicketUpdateInput, m: Messages = english()): AdaptiveCard {
  return renderCard('ticket-update', {
    title: input.title,
    titleColor: input.tone === 'success' ? 'Good' : 'Default',
    paragraphs: input.text
      .split(/\n\s*\n/)
      .map((text) => text.trim())
      .filter(Boolean)
      .map((text) => ({ text })),
    facts: [...(input.facts ?? []).map(({ title, value }) => ({ title, value })), { title: 'Ticket', value: input.ticketId }],
  });
}

export type TicketUpdateKind = 'taken' | 'tapIssued' | 'exemptionGranted' | 'exemptionEnded' | 'resolved' | 'reopened' | 'posted' | 'signInSeen';

/** The words of the requester's update for something that happened to their ticket. */
/** `zone`: the requester's time zone (undefined: UTC, said as such). */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the catalogue work (issue 15) is threading `m` in
export function ticketUpdateFor(ticket: Ticket, kind: TicketUpdateKind, zone?: string, m: Messages = english()): TicketUpdateInput {
  const id = ticket.id;
  switch (kind) {
    case 'taken': {
      const who = ticket.assignee ? `${ticket.assignee.name} from the help desk` : 'A help-desk agent';
      return { ticketId: id, title: 'The help desk is on it', text: `${who} is looking at your ticket. You will get a message here when they act on it.` };
    }
    case 'tapIssued': {
      const t = ticket.tap;
      if (!t) throw new Error(`Ticket ${id} has no Temporary Access Pass to tell the requester about`);
      return {
        ticketId: id,
        title: 'Your Temporary Access Pass is ready',
        tone: 'success',
        text: `It is in the message above, valid from ${cardTime(t.start)} to ${cardTime(t.end)} (your time). Add your passkey in Microsoft Authenticator before then.`,
        facts: [{ title: 'Valid', value: timeWindow(t.start, t.end, zone) }],
      };
    }
    case 'exemptionGranted': {
      const e = ticket.exemption;
      if (!e) throw new Error(`Ticket ${id} has no exemption to tell the requester about`);
      if (e.after?.clears === false) {
        // Checked with the exemption in place, something still blocks: said as it is.
        return {
          ticketId: id,
          title: 'The help desk exempted you, but you are still blocked',
          text: [
            `Until ${cardTime(e.end)} (your time) you are exempt from some sign-in rules, but with that you are still blocked: ${blockedInWords(e.after.blocking)}.`,
            'The help desk knows and is working on your ticket: you do not need to try now. You will get a message here when something changes.',
          ].join('\n\n'),
          facts: [{ title: 'Window', value: timeWindow(e.start, e.end, zone) }],
        };
      }
      return {
        ticketId: id,
        title: 'You can add your passkey now',
        tone: 'success',
        text: [
          `Until ${cardTime(e.end)} (your time), the sign-in rule that blocked you is switched off for you${e.after?.clears ? ': checked with it, nothing else blocks you' : ''}.`,
          'Open Microsoft Authenticator and add your passkey before then. Do it from the office network or a company-managed device: anywhere else it may still be blocked.',
          'When the time is up the rule applies again. If you miss it, contact the help desk for a new time.',
        ].join('\n\n'),
        facts: [{ title: 'Window', value: timeWindow(e.start, e.end, zone) }],
      };
    }
    case 'exemptionEnded':
      return {
        ticketId: id,
        title: 'Your time to add a passkey has ended',
        text: 'The sign-in rule applies to you again. If you did not manage to add your passkey, contact the help desk for a new time.',
      };
    case 'resolved': {
      const r = ticket.resolution;
      const by = r ? `${r.by.name} from the help desk` : 'The help desk';
      return { ticketId: id, title: 'Your ticket is resolved', tone: 'success', text: `${by} marked your ticket as resolved.${r?.note ? `\n\n${r.note}` : ''}` };
    }
    case 'reopened':
      return { ticketId: id, title: 'Your ticket is open again', text: 'The help desk will look at it again. You will get a message here when they act on it.' };
    case 'posted':
      return { ticketId: id, title: 'Your ticket has reached the help desk', text: 'The help desk has your request and what the bot found now. You will get a message here when they act on it.' };
    case 'signInSeen': {
      const s = ticket.signIn;
      const rules = s && s.failedPolicies.length > 0 ? `the sign-in rule ${policyPhrase(s.failedPolicies)}` : 'a sign-in rule';
      return {
        ticketId: id,
        title: 'Your failed sign-in shows what blocks you',
        text: `The sign-in log now has your attempt${s ? ` at ${cardTime(s.at)} (your time)` : ''}: ${rules} blocked it. The help desk sees this on your ticket; you do not need to try again until they get back to you.`,
      };
    }
  }
}

/**
 * The requester's answer to a follow-up on their open ticket ("it still asks for a passkey", or
 * "Contact the help desk" again): it is on the ticket, and who at the help desk has it.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the catalogue work (issue 15) is threading `m` in
export function followUpUpdate(ticket: Ticket, m: Messages = english()): TicketUpdateInput {
  const who = ticket.assignee ? `${ticket.assignee.name} from the help desk has it` : 'The help desk has it';
  const text = ticket.channelPostPending
    ? `Your ticket has not reached the help desk yet: the bot keeps trying, and your message goes with it. If it is urgent, call the help desk and quote ${ticket.id}.`
    : `${who}, with what you said before and what the bot found just now. You will get a message here when they act on it; no need to ask again.`;
  return { ticketId: ticket.id, title: `Added to your ticket ${ticket.id}`, text, facts: ticket.assignee ? [{ title: 'With', value: ticket.assignee.name }] : [] };
}

export interface TicketResolvedInput {
  ticketId: string;
  note: string;
  /** Who resolved it: a name, or the ticket's resolution.by. */
  by: string | Pick<Person, 'name'>;
  /** Ties the buttons to a conversation session; omitted from the payloads when empty. */
  session?: string;
}

/** "Did this fix it?" for the requester, after the help desk resolved the ticket. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the catalogue work (issue 15) is threading `m` in
export function ticketResolvedCard(input: TicketResolvedInput, m: Messages = english()): AdaptiveCard {
  const by = typeof input.by === 'string' ? input.by : input.by.name;
  const payload = (action: TicketSubmit['action']): TicketSubmit => ({ action, ticketId: input.ticketId, ...(input.session ? { session: input.session } : {}) });
  return renderCard('ticket-resolved', {
    fixedData: payload('ticketFixed'),
    reopenData: payload('ticketReopen'),
    title: `Ticket ${input.ticketId} is resolved`,
    byLine: input.note.trim() ? `${by} from the help desk wrote:` : `${by} from the help desk marked it as resolved.`,
    note: input.note.trim(),
    question: 'Did this fix it? Can you add the passkey in Microsoft Authenticator now?',
    hint: 'If not, reopen the ticket and the help desk will look at it again.',
    buttons: { fixed: TICKET_BUTTONS.fixed, reopen: TICKET_BUTTONS.notFixed },
  });
}
