// Help-desk cards: the ticket card in the help-desk channel (updated in place, Universal Actions),
// and the requester's cards (confirmation, updates, the Temporary Access Pass, "did it work?").
// Only tapDeliveryCard ever takes a TAP value; the Ticket type holds none, so nothing built from a
// ticket can show one.
import type { Diagnosis, Finding } from '../diagnosis';
import type { Person, Ticket } from '../helpdesk/ticket';
import { tapLive, timeOfDay, window } from '../helpdesk/ticket';
import { adviceFor, mainFinding, type StepGroup } from './advice';
import { BUTTONS, HEADINGS, findingCopy, platformLabel, policyPhrase, workaroundSteps } from './copy';
import { renderCard, type AdaptiveCard } from './render';

/** The verbs of the ticket card's Action.Execute buttons (and its refresh action). */
export const TICKET_VERBS = ['ticket.take', 'ticket.issueTap', 'ticket.grantExemption', 'ticket.resolve', 'ticket.reopen', 'ticket.refresh'] as const;
export type TicketVerb = (typeof TICKET_VERBS)[number];

/**
 * The ids of the ticket card's inputs: Teams merges their values into the Action.Execute data,
 * always as strings ("60", "true"/"false", "4", free text).
 */
export const TICKET_INPUTS = {
  /** ticket.issueTap: lifetime in minutes, one of TicketCardOptions.tap.lifetimes. */
  tapLifetime: 'tapLifetime',
  /** ticket.issueTap: "true" or "false"; only sent when the card offers the choice. */
  tapOneTime: 'tapOneTime',
  /** ticket.grantExemption: hours, one of TicketCardOptions.exemption.hours. */
  exemptionHours: 'exemptionHours',
  /** ticket.resolve: free text, may be empty or absent. */
  note: 'note',
} as const;

/** Submits on the requester's cards (ticketResolvedCard); session only when the caller gave one. */
export type TicketSubmit = { action: 'ticketFixed' | 'ticketReopen'; ticketId: string; session?: string };

export const TICKET_BUTTONS = {
  take: 'Take',
  tapShow: 'Issue a TAP',
  issueTap: 'Issue Temporary Access Pass',
  exemptShow: 'Exempt temporarily',
  grantExemption: 'Grant temporary exemption',
  resolve: 'Resolve',
  reopen: 'Reopen',
  showDetails: BUTTONS.showDetails,
  fixed: 'Yes, it works',
  notFixed: 'No, reopen',
} as const;

export interface TicketCardOptions {
  tap: {
    /** Lifetimes offered, in minutes. */
    lifetimes: number[];
    defaultLifetime: number;
    /** The agent may choose one-time or reusable. */
    oneTimeChoice: boolean;
    /** The tenant's TAP policy makes every pass one-time. */
    forcedOneTime: boolean;
    /** Why no TAP can be issued (e.g. "A TAP cannot be issued: the user is a guest"); hides the button. */
    refusal?: string;
  };
  /** Undefined when no exclusion group is configured: no exemption button. */
  exemption?: { hours: number[]; groupName: string };
  /** ISO time of rendering: marks expired passes and ended windows, and dates the card. */
  now?: string;
}

const TRANSCRIPT_LINES = 10;
const HISTORY_LINES = 10;

const STATUS = {
  open: { text: 'Open', style: 'warning' },
  taken: { text: 'Taken', style: 'accent' },
  resolved: { text: 'Resolved', style: 'good' },
} as const;

/** The help-desk channel's card for a ticket, showing its current state. */
export function ticketCard(ticket: Ticket, options: TicketCardOptions): AdaptiveCard {
  const { diagnosis, status } = ticket;
  const resolved = status === 'resolved';
  const now = options.now ? Date.parse(options.now) : NaN;
  const past = (iso: string) => !Number.isNaN(now) && now >= Date.parse(iso);
  const exemptionActive = Boolean(ticket.exemption && !ticket.exemption.removedAt);
  // A pass whose window has ended (or that the bot deleted, undeliverable) can be replaced by a new one.
  const tapActive = !!ticket.tap && (!options.now ? !ticket.tap.revokedAt && ticket.tap.delivery !== 'failed' : tapLive(ticket.tap, Date.parse(options.now)));
  const tapRefusal = !resolved && !tapActive ? (options.tap.refusal?.trim() ?? '') : '';
  const advice = diagnosis ? adviceFor(diagnosis, { tapOffered: true }) : undefined;

  const canIssueTap = !resolved && !tapActive && tapRefusal === '';
  const canExempt = !resolved && !exemptionActive && options.exemption !== undefined;
  const tap = canIssueTap ? tapForm(ticket, options.tap) : undefined;
  const exemption = canExempt && options.exemption ? exemptionForm(ticket, options.exemption) : undefined;

  return renderCard('ticket', {
    ticketId: ticket.id,
    title: `Passkey ticket ${ticket.id}`,
    status: {
      text: status === 'taken' && ticket.assignee ? `Taken by ${ticket.assignee.name}` : STATUS[status].text,
      style: STATUS[status].style,
    },
    created: `Created ${formatTime(ticket.createdAt)}`,
    requester: personLine(ticket.requester),
    context: contextLine(ticket),
    diagnosisTitle: advice?.title ?? 'Not diagnosed',
    cause: advice?.cause ?? 'The bot could not check this person’s settings. Ask them what they see, and look up the sign-in logs with the ids below.',
    findings: (diagnosis?.findings ?? []).map((f) => ({ code: f.code, text: findingLine(f) })),
    errorIds: errorIdFacts(ticket),
    stateLines: stateLines(ticket, options, past),
    alerts: alerts(ticket, options, past),
    helpdeskHeading: HEADINGS.helpdesk,
    helpdeskGroups: numbered(diagnosis ? helpdeskSteps(diagnosis) : []),
    tapRefusal,
    detailsHeading: HEADINGS.details,
    facts: diagnosis ? diagnosisFacts(diagnosis) : [],
    details: (diagnosis?.findings ?? [])
      .filter((f) => f.evidence.length > 0)
      .map((f) => ({ heading: detailsHeading(f), evidence: f.evidence.map((text) => ({ text })) })),
    lists: [
      ...(advice && advice.steps.admin.length > 0
        ? [{ heading: 'What an identity administrator can change', note: advice.adminNote, lines: adminLines(advice.steps.admin) }]
        : []),
      ...(ticket.transcript.length > 0
        ? [{ heading: 'What the user tried', note: '', lines: ticket.transcript.slice(-TRANSCRIPT_LINES).map((text) => ({ text })) }]
        : []),
      ...(ticket.history.length > 0
        ? [{ heading: 'History', note: '', lines: ticket.history.slice(-HISTORY_LINES).map((e) => ({ text: `${formatTime(e.at)}: ${e.text}` })) }]
        : []),
    ],
    updated: options.now ? `Updated ${formatTime(options.now)}` : '',
    canTake: status === 'open',
    canIssueTap,
    canExempt,
    canResolve: !resolved,
    canReopen: resolved,
    tap: tap ?? EMPTY_TAP_FORM,
    exemption: exemption ?? EMPTY_EXEMPTION_FORM,
    resolveNoteLabel: 'Resolution note',
    resolveNotePlaceholder: 'What fixed it?',
    buttons: TICKET_BUTTONS,
  });
}

/** The requester's card right after the ticket is created. */
export function ticketConfirmationCard(ticket: Ticket): AdaptiveCard {
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
}

/** The Temporary Access Pass, for the requester's personal chat only. */
export function tapDeliveryCard(input: TapDelivery): AdaptiveCard {
  if (input.value.trim() === '') throw new Error(`Ticket ${input.ticketId}: no Temporary Access Pass value to deliver`);
  const phone = input.platform === 'iOS' ? 'iPhone' : 'Android phone';
  return renderCard('tap-delivery', {
    title: 'Your Temporary Access Pass',
    intro: 'Use it to sign in to Microsoft Authenticator and add your passkey.',
    value: input.value,
    validLocal: `Valid from ${cardTime(input.start)} to ${cardTime(input.end)}, ${cardDate(input.start)} (your time).`,
    validUtc: `In UTC: valid from ${timeOfDay(input.start)} to ${timeOfDay(input.end)}.`,
    use: input.oneTime
      ? 'It works once: after you sign in with it, it stops working, so add the passkey in the same go.'
      : 'You can use it more than once until it expires, but add the passkey as soon as you can.',
    stepsHeading: 'How to add your passkey',
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
export function ticketUpdateCard(input: TicketUpdateInput): AdaptiveCard {
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

export type TicketUpdateKind = 'taken' | 'tapIssued' | 'exemptionGranted' | 'exemptionEnded' | 'resolved' | 'reopened' | 'posted';

/** The words of the requester's update for something that happened to their ticket. */
export function ticketUpdateFor(ticket: Ticket, kind: TicketUpdateKind): TicketUpdateInput {
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
        facts: [{ title: 'Valid (UTC)', value: window(t.start, t.end) }],
      };
    }
    case 'exemptionGranted': {
      const e = ticket.exemption;
      if (!e) throw new Error(`Ticket ${id} has no exemption to tell the requester about`);
      return {
        ticketId: id,
        title: 'You can add your passkey now',
        tone: 'success',
        text: [
          `Until ${cardTime(e.end)} (your time), the sign-in rule that blocked you is switched off for you.`,
          'Open Microsoft Authenticator and add your passkey before then. Do it from the office network or a company-managed device: anywhere else it may still be blocked.',
          'When the time is up the rule applies again. If you miss it, contact the help desk for a new time.',
        ].join('\n\n'),
        facts: [{ title: 'Window (UTC)', value: window(e.start, e.end) }],
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
  }
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
export function ticketResolvedCard(input: TicketResolvedInput): AdaptiveCard {
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

// ---- the ticket card's parts ----

const EMPTY_TAP_FORM = { notes: [], lifetimes: [], defaultLifetime: '', lifetimeLabel: '', lifetimeError: '', oneTimeChoice: false, oneTimeLabel: '', oneTimeTitle: '' };
const EMPTY_EXEMPTION_FORM = { notes: [], hours: [], defaultHours: '', hoursLabel: '', hoursError: '' };

function tapForm(ticket: Ticket, tap: TicketCardOptions['tap']) {
  if (tap.lifetimes.length === 0) throw new Error('TicketCardOptions.tap.lifetimes is empty: offer at least one lifetime');
  if (!tap.lifetimes.includes(tap.defaultLifetime)) {
    throw new Error(`TicketCardOptions.tap.defaultLifetime ${tap.defaultLifetime} is not one of the lifetimes ${tap.lifetimes.join(', ')}`);
  }
  const choice = tap.oneTimeChoice && !tap.forcedOneTime;
  return {
    notes: [
      { text: `Creates a Temporary Access Pass for ${ticket.requester.name}. The bot sends it to them privately in their chat; it is never shown here.` },
      ...(tap.forcedOneTime ? [{ text: 'Your organisation’s Temporary Access Pass policy makes every pass one-time use.' }] : []),
    ],
    lifetimes: tap.lifetimes.map((m) => ({ title: minutes(m), value: String(m) })),
    defaultLifetime: String(tap.defaultLifetime),
    lifetimeLabel: 'Valid for',
    lifetimeError: 'Choose how long the pass is valid.',
    oneTimeChoice: choice,
    oneTimeLabel: 'Use',
    oneTimeTitle: 'One-time use (recommended)',
  };
}

function exemptionForm(ticket: Ticket, exemption: NonNullable<TicketCardOptions['exemption']>) {
  if (exemption.hours.length === 0) throw new Error('TicketCardOptions.exemption.hours is empty: offer at least one duration');
  const blocking = ticket.diagnosis?.findings.filter((f) => f.blocking && f.code.startsWith('ca-')).flatMap((f) => f.policyNames) ?? [];
  return {
    notes: [
      { text: `Adds ${ticket.requester.name} to the exclusion group "${exemption.groupName}" from now, for the time you choose only.` },
      {
        text:
          blocking.length > 0
            ? `It helps only if ${policyPhrase(blocking)} excludes that group.`
            : 'The diagnosis found no Conditional Access policy blocking this person, so an exemption may not help.',
      },
      { text: 'The bot tells them the window and removes the exemption when it ends; if they miss it, they contact the help desk again.' },
      { text: 'Compensating control: they can still register only from a trusted location or a compliant device.' },
    ],
    hours: exemption.hours.map((h) => ({ title: h === 1 ? '1 hour' : `${h} hours`, value: String(h) })),
    defaultHours: String(exemption.hours[0]),
    hoursLabel: 'For how long',
    hoursError: 'Choose how long the exemption lasts.',
  };
}

function stateLines(ticket: Ticket, options: TicketCardOptions, past: (iso: string) => boolean): { text: string; color: string }[] {
  const lines: { text: string; color: string }[] = [];
  const { tap, exemption, resolution } = ticket;
  if (tap) {
    const use = tap.oneTime ? 'one-time use' : 'reusable';
    const delivery =
      tap.delivery === 'failed'
        ? tap.revokedAt
          ? `; it could not be delivered (${tap.deliveryError ?? 'error'}) and was deleted at ${timeOfDay(tap.revokedAt)} UTC`
          : `; it could not be delivered (${tap.deliveryError ?? 'error'}) and deleting it failed (${tap.revokeError ?? 'error'}): the bot keeps trying`
        : tap.delivery === 'unconfirmed'
          ? '; delivery not confirmed (the bot stopped while sending it)'
          : '';
    lines.push({
      text: `TAP issued ${window(tap.start, tap.end)} UTC by ${tap.by.name}, ${use}${past(tap.end) ? ' (expired)' : ''}${delivery}`,
      color: tap.delivery === 'failed' || tap.delivery === 'unconfirmed' ? 'Attention' : 'Default',
    });
  }
  if (exemption) {
    const group = options.exemption?.groupName ?? exemption.groupId;
    lines.push({ text: `Exempted ${window(exemption.start, exemption.end)} UTC (group "${group}") by ${exemption.by.name}`, color: 'Default' });
    if (exemption.removedAt) lines.push({ text: `Exemption removed at ${timeOfDay(exemption.removedAt)} UTC`, color: 'Good' });
    else if (exemption.removalError) {
      // Also an alert at the top of the card, with the failures and the next attempt (see alerts).
      lines.push({ text: `The exemption could not be removed: ${exemption.removalError}. Remove ${ticket.requester.name} from the group "${group}" by hand.`, color: 'Attention' });
    } else if (past(exemption.end)) {
      lines.push({ text: `The exemption window ended at ${timeOfDay(exemption.end)} UTC, but it has not been removed yet.`, color: 'Attention' });
    }
  }
  if (ticket.status === 'resolved' && resolution) {
    lines.push({ text: `Resolved by ${resolution.by.name}${resolution.note.trim() ? `: ${resolution.note.trim()}` : ''}`, color: 'Good' });
  }
  return lines;
}

/** What needs a person now, shown at the top of the card: an overdue removal, a pass the ticket did not issue, an unwritten audit line. */
function alerts(ticket: Ticket, options: TicketCardOptions, past: (iso: string) => boolean): { text: string }[] {
  const out: { text: string }[] = [];
  const { exemption, unknownTap, auditPending } = ticket;
  const name = ticket.requester.name;
  if (exemption && !exemption.removedAt && exemption.removalError) {
    const group = options.exemption?.groupName ?? exemption.groupId;
    const failures = exemption.removalFailures ?? 1;
    out.push({
      text:
        `Overdue: ${name} is still in the exemption group "${group}" — the exemption ended at ${timeOfDay(exemption.end)} UTC. ` +
        `Removing them failed ${failures === 1 ? 'once' : `${failures} times`} (last at ${timeOfDay(exemption.lastRemovalAttemptAt ?? exemption.end)} UTC: ${exemption.removalError}). ` +
        `The bot tries again${exemption.nextRemovalAt ? ` at ${timeOfDay(exemption.nextRemovalAt)} UTC` : ''} until it succeeds; to end it now, remove ${name} from "${group}" in the Entra admin center.`,
    });
  } else if (exemption && !exemption.removedAt && past(exemption.end) && options.now && Date.parse(options.now) - Date.parse(exemption.end) > 5 * 60_000) {
    out.push({ text: `Overdue: the exemption ended at ${timeOfDay(exemption.end)} UTC but ${name} has not been removed from the exemption group yet.` });
  }
  if (unknownTap && !(ticket.tap && ticket.tap.methodId === unknownTap.methodId)) {
    out.push({
      text:
        `Graph holds a Temporary Access Pass for ${name} that this ticket did not issue (created ${timeOfDay(unknownTap.createdAt ?? unknownTap.start)} UTC, valid until ${timeOfDay(unknownTap.end)} UTC)` +
        `${unknownTap.afterCrash ? ', probably the one the bot was creating when it stopped; its value never reached them' : ''}. It was not replaced. ` +
        `If ${name} does not have it, delete it in the Entra admin center (Users › ${name} › Authentication methods), then issue a new one.`,
    });
  }
  if (auditPending) {
    out.push({ text: `Not in the audit log yet (it failed at ${timeOfDay(auditPending.since)} UTC: ${auditPending.error}): ${auditPending.lines.join('; ')}. The bot writes it with the next entry.` });
  }
  if (ticket.channelPostPending) {
    out.push({ text: `This card was posted late: the first post failed at ${timeOfDay(ticket.channelPostPending.since)} UTC (${ticket.channelPostPending.error}).` });
  }
  return out;
}

/** The help desk's steps; the generic "read the diagnosis" step when the engine offered none. */
function helpdeskSteps(d: Diagnosis): StepGroup[] {
  const own = adviceFor(d, { tapOffered: true }).steps.helpdesk;
  if (own.length > 0) return own;
  const main = mainFinding(d);
  const ctx = { findings: [main.code], policies: policyPhrase(main.policyNames), platform: d.context.platform, tapOffered: true, tapValidNow: false };
  return [{ steps: workaroundSteps('contact-help-desk', 'helpdesk', ctx) }];
}

function numbered(groups: StepGroup[]) {
  return groups.map((g) => ({ heading: g.heading ?? '', steps: g.steps.map((text, i) => ({ number: `${i + 1}.`, text })) }));
}

function adminLines(groups: StepGroup[]) {
  return groups.flatMap((g) => [...(g.heading ? [{ text: `${g.heading}:` }] : []), ...g.steps.map((text, i) => ({ text: `${i + 1}. ${text}` }))]);
}

function findingLine(f: Finding): string {
  const parts = [f.blocking ? '' : 'not blocking', f.policyNames.length > 0 ? policyPhrase(f.policyNames) : ''].filter(Boolean);
  return parts.length > 0 ? ` – ${parts.join(', ')}` : '';
}

function detailsHeading(f: Finding): string {
  return f.blocking || f.code === 'no-blocker-found' ? findingCopy(f.code).title : `${HEADINGS.notBlocking}: ${findingCopy(f.code).title}`;
}

function personLine(p: Person): string {
  return p.userPrincipalName ? `${p.name} · ${p.userPrincipalName}` : p.name;
}

function contextLine(ticket: Ticket): string {
  const c = ticket.diagnosis?.context;
  return [
    ...(c
      ? [
          platformLabel(c.platform, c.osVersion),
          ...(c.androidProfile ? [`${c.androidProfile} profile`] : []),
          ...(c.passkeyProfile && c.passkeyProfile !== c.androidProfile ? [`passkey in ${c.passkeyProfile} profile`] : []),
          ...(c.crossDevice ? ['signing in on a computer (QR code)'] : []),
          ...(c.bluetoothRestricted ? ['Bluetooth restricted'] : []),
        ]
      : []),
    ticket.reason === 'requestTap' ? 'asked for a Temporary Access Pass' : 'asked for the help desk',
  ].join(' · ');
}

function diagnosisFacts(d: Diagnosis) {
  return [{ title: 'Checked', value: formatTime(d.context.at) }, { title: 'User id', value: d.user.id }];
}

function errorIdFacts(ticket: Ticket) {
  const { requestId, correlationId, timestamp } = ticket.errorIds;
  return [
    ...(requestId ? [{ title: 'Request Id', value: requestId }] : []),
    ...(correlationId ? [{ title: 'Correlation Id', value: correlationId }] : []),
    ...(timestamp ? [{ title: 'Timestamp', value: timestamp }] : []),
  ];
}

/** "30 minutes", "1 hour", "1 h 30 min", "8 hours". */
function minutes(m: number): string {
  if (m < 60) return m === 1 ? '1 minute' : `${m} minutes`;
  if (m % 60 === 0) return m === 60 ? '1 hour' : `${m / 60} hours`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "2026-10-05 14:00 UTC". */
function formatTime(iso: string): string {
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? iso : `${t.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Teams' date formatting wants RFC 3339 without fractions: 2026-10-05T10:00:00Z. */
function rfc3339(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) throw new Error(`Not a time: ${iso}`);
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const cardTime = (iso: string) => `{{TIME(${rfc3339(iso)})}}`;
const cardDate = (iso: string) => `{{DATE(${rfc3339(iso)}, SHORT)}}`;
