// The help-desk channel's ticket card (updated in place, Universal Actions), its verbs and inputs.
// The requester's cards about their ticket are in requester-views.ts. The Ticket type holds no
// TAP value, so nothing built from a ticket can show one.
import { english, type Messages } from '../i18n';
import type { Diagnosis, Finding, Remedy } from '../diagnosis';
import type { AfterCheck, Blocker, Person, Ticket } from '../tickets/ticket';
import { tapLive } from '../tickets/ticket';
import { clockTime, dateTime, timeWindow } from './time-words';
import { adviceFor, mainFinding, type StepGroup } from './advice';
import type { TenantContext } from './tenant-design';
import { BUTTONS, HEADINGS, findingCopy, platformLabel, policyPhrase, workaroundSteps } from './copy';
import { evidenceWords } from './evidence-words';
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
  /** The TAP was checked and does not clear the block: never presented as the fix. */
  tapShowWarned: 'Issue a TAP (will not clear)',
  issueTapWarned: 'Issue Temporary Access Pass anyway',
  exemptShow: 'Exempt temporarily',
  grantExemption: 'Grant temporary exemption',
  exemptShowWarned: 'Exempt (will not clear)',
  grantExemptionWarned: 'Grant the exemption anyway',
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
    /**
     * Checked: the TAP does not clear the block (the remedy's sentence). The button says so —
     * "Issue a TAP (will not clear)" — and its form shows why: it is never offered as the fix.
     */
    warning?: string;
    /** Checked: the TAP clears the block; its button is styled as the fix. */
    fix?: boolean;
  };
  /** Undefined when no exclusion group is configured: no exemption button. */
  exemption?: {
    hours: number[];
    groupName: string;
    /** Why no exemption can be granted; hides the button. */
    refusal?: string;
    /** Checked: the exemption does not clear the block (as for the TAP). */
    warning?: string;
    /** Checked: the exemption clears the block. */
    fix?: boolean;
  };
  /** ISO time of rendering: marks expired passes and ended windows, and dates the card. */
  now?: string;
  /** The help desk's time zone (HELPDESK_TIMEZONE): every time on the card is shown in it, naming it; default UTC. */
  timeZone?: string;
  /** The tenant's split design, where it has one: the admin's part extends it rather than proposing a new one. */
  tenant?: TenantContext;
}

const TRANSCRIPT_LINES = 10;
const HISTORY_LINES = 10;

const STATUS = {
  open: { text: 'Open', color: 'Warning' },
  taken: { text: 'Taken', color: 'Accent' },
  resolved: { text: 'Resolved', color: 'Good' },
} as const;

/** The help-desk channel's card for a ticket, showing its current state. */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the catalogue work (issue 15) is threading `m` in
export function ticketCard(ticket: Ticket, options: TicketCardOptions, m: Messages = english()): AdaptiveCard {
  const { diagnosis, status } = ticket;
  const resolved = status === 'resolved';
  const now = options.now ? Date.parse(options.now) : NaN;
  const zone = options.timeZone;
  const past = (iso: string) => !Number.isNaN(now) && now >= Date.parse(iso);
  const exemptionActive = Boolean(ticket.exemption && !ticket.exemption.removedAt);
  // A pass whose window has ended (or that the bot deleted, undeliverable) can be replaced by a new one.
  const tapActive = !!ticket.tap && (!options.now ? !ticket.tap.revokedAt && ticket.tap.delivery !== 'failed' : tapLive(ticket.tap, Date.parse(options.now)));
  const tapRefusal = !resolved && !tapActive ? (options.tap.refusal?.trim() ?? '') : '';
  const exemptionRefusal = !resolved && !exemptionActive ? (options.exemption?.refusal?.trim() ?? '') : '';
  const advice = diagnosis ? adviceFor(diagnosis, { tapOffered: true, ...(options.tenant ? { tenant: options.tenant } : {}) }) : undefined;
  // What the bot checked for this requester (remedies applied and diagnosed again) replaces the
  // generic help-desk steps: the card then says what works, and what to do when nothing it can apply does.
  const checked = resolved ? undefined : checkSection(ticket, zone);

  const canIssueTap = !resolved && !tapActive && tapRefusal === '';
  const canExempt = !resolved && !exemptionActive && options.exemption !== undefined && exemptionRefusal === '';
  const tap = canIssueTap ? tapForm(ticket, options.tap) : undefined;
  const exemption = canExempt && options.exemption ? exemptionForm(ticket, options.exemption) : undefined;

  return renderCard('ticket', {
    ticketId: ticket.id,
    title: `Passkey ticket ${ticket.id}`,
    status: {
      text: status === 'taken' && ticket.assignee ? `Taken by ${ticket.assignee.name}` : STATUS[status].text,
      color: STATUS[status].color,
    },
    created: `Created ${formatTime(ticket.createdAt, zone)}`,
    // The UPN is what an agent searches Entra for; the diagnosis has it when Teams did not give it.
    requester: personLine({ ...ticket.requester, userPrincipalName: ticket.requester.userPrincipalName ?? diagnosis?.user.userPrincipalName ?? undefined }),
    context: contextLine(ticket),
    diagnosisTitle: advice?.title ?? 'Not diagnosed',
    cause: advice?.cause ?? 'The bot could not check this person’s settings. Ask them what they see, and look up the sign-in logs with the ids below.',
    // Words, not the engine's codes: the agent reads the finding's title and its policy.
    findings: (diagnosis?.findings ?? []).map((f) => ({ code: findingCopy(f.code).title, text: findingLine(f) })),
    errorIds: errorIdFacts(ticket, zone),
    ...signInSection(ticket, zone),
    stateLines: stateLines(ticket, options, past),
    alerts: alerts(ticket, options, past),
    helpdeskHeading: HEADINGS.helpdesk,
    helpdeskGroups: numbered(diagnosis && !checked ? helpdeskSteps(diagnosis) : []),
    remedyHeading: checked?.heading ?? '',
    remedyLines: checked?.lines ?? [],
    instead: checked?.instead ?? [],
    refusals: [tapRefusal, exemptionRefusal].filter(Boolean).map((text) => ({ text })),
    detailsHeading: HEADINGS.details,
    facts: diagnosis ? diagnosisFacts(diagnosis, zone) : [],
    details: (diagnosis?.findings ?? [])
      .filter((f) => f.evidence.length > 0)
      .map((f) => ({ heading: detailsHeading(f), evidence: evidenceWords(f).map((text) => ({ text })) })),
    lists: [
      ...(advice && advice.steps.admin.length > 0
        ? [{ heading: 'What an identity administrator can change', note: advice.adminNote, lines: adminLines(advice.steps.admin) }]
        : []),
      ...(ticket.transcript.length > 0
        ? [{ heading: 'What the user tried', note: '', lines: ticket.transcript.slice(-TRANSCRIPT_LINES).map((text) => ({ text })) }]
        : []),
      ...(ticket.history.length > 0
        ? [{ heading: 'History', note: '', lines: ticket.history.slice(-HISTORY_LINES).map((e) => ({ text: `${formatTime(e.at, zone)}: ${e.text}` })) }]
        : []),
    ],
    updated: options.now ? `Updated ${formatTime(options.now, zone)}` : '',
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


// ---- the ticket card's parts ----

const EMPTY_TAP_FORM = { title: '', style: 'default', submit: '', warning: '', notes: [], lifetimes: [], defaultLifetime: '', lifetimeLabel: '', lifetimeError: '', oneTimeChoice: false, oneTimeLabel: '', oneTimeTitle: '' };
const EMPTY_EXEMPTION_FORM = { title: '', style: 'default', submit: '', warning: '', notes: [], hours: [], defaultHours: '', hoursLabel: '', hoursError: '' };

/** How a form's button reads: the fix, a warned "will not clear", or plain (not checked). */
function button(option: { warning?: string; fix?: boolean }, plain: { show: string; submit: string }, warned: { show: string; submit: string }) {
  const warning = option.warning?.trim() ?? '';
  return warning
    ? { title: warned.show, style: 'default', submit: warned.submit, warning: `Will not clear the block. ${warning}` }
    : { title: plain.show, style: option.fix ? 'positive' : 'default', submit: plain.submit, warning: '' };
}

function tapForm(ticket: Ticket, tap: TicketCardOptions['tap']) {
  if (tap.lifetimes.length === 0) throw new Error('TicketCardOptions.tap.lifetimes is empty: offer at least one lifetime');
  if (!tap.lifetimes.includes(tap.defaultLifetime)) {
    throw new Error(`TicketCardOptions.tap.defaultLifetime ${tap.defaultLifetime} is not one of the lifetimes ${tap.lifetimes.join(', ')}`);
  }
  const choice = tap.oneTimeChoice && !tap.forcedOneTime;
  return {
    ...button(tap, { show: TICKET_BUTTONS.tapShow, submit: TICKET_BUTTONS.issueTap }, { show: TICKET_BUTTONS.tapShowWarned, submit: TICKET_BUTTONS.issueTapWarned }),
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
  const blocking = ticket.diagnosis?.findings.filter((f) => f.blocking && f.code.startsWith('ca-')).flatMap((f) => f.policies.map((p) => p.name)) ?? [];
  // Checked, the form says what the exemption does (a warned form says it under its warning);
  // unchecked, it can only say when it would help.
  const checked = ticket.check?.remedies.find((r) => r.code === 'temporary-exemption');
  const effect = checked
    ? exemption.warning
      ? []
      : [{ text: checked.why }]
    : [
        {
          text:
            blocking.length > 0
              ? `It helps only if ${policyPhrase(blocking)} excludes that group.`
              : 'The diagnosis found no Conditional Access policy blocking this person, so an exemption may not help.',
        },
      ];
  return {
    ...button(exemption, { show: TICKET_BUTTONS.exemptShow, submit: TICKET_BUTTONS.grantExemption }, { show: TICKET_BUTTONS.exemptShowWarned, submit: TICKET_BUTTONS.grantExemptionWarned }),
    notes: [
      { text: `Adds ${ticket.requester.name} to the exclusion group "${exemption.groupName}" from now, for the time you choose only.` },
      ...effect,
      { text: 'The bot tells them the window and removes the exemption when it ends; if they miss it, they contact the help desk again.' },
      { text: 'Compensating control: they can still register only from a trusted location or a compliant device.' },
    ],
    hours: exemption.hours.map((h) => ({ title: h === 1 ? '1 hour' : `${h} hours`, value: String(h) })),
    defaultHours: String(exemption.hours[0]),
    hoursLabel: 'For how long',
    hoursError: 'Choose how long the exemption lasts.',
  };
}

const REMEDY_LABEL: Record<Remedy['code'], string> = {
  'temporary-access-pass': 'Issue a TAP',
  'temporary-exemption': 'Exempt temporarily',
  'require-compliant-device': 'A compliant phone (Intune, by an admin)',
  'register-in-each-profile': 'A passkey in this Android profile (the user)',
  'update-os': 'Update the phone (the user)',
};
const HELP_DESK_REMEDIES = new Set<Remedy['code']>(['temporary-access-pass', 'temporary-exemption']);

/**
 * The remedies the bot checked for the requester, one line each with its effect ("✗ Issue a TAP —
 * … will not help: 'Pilot' accepts only a passkey in Microsoft Authenticator"), and, when neither
 * a TAP nor an exemption clears the block, what does instead (the admin change, with the policy).
 */
function checkSection(ticket: Ticket, zone: string | undefined): { heading: string; lines: { mark: string; color: string; text: string }[]; instead: { text: string }[] } | undefined {
  const check = ticket.check;
  const name = ticket.requester.name;
  if (!check) {
    return ticket.checkError
      ? { heading: `What works could not be checked at ${clockTime(ticket.checkError.at, zone)} (${ticket.checkError.error}); it is checked again when you act.`, lines: [], instead: [] }
      : undefined;
  }
  const when = `checked ${clockTime(check.at, zone)}${check.contextAssumed ? ` for an Android phone: ${name} did not say which` : `, ${platformLabel(check.context.platform, check.context.osVersion)}`}`;
  if (check.blocking.length === 0) return { heading: `Nothing blocks ${name} now (${when}).`, lines: [], instead: [] };
  const lines = check.remedies.map((r) => ({ mark: r.clears ? '✓' : '✗', color: r.clears ? 'Good' : 'Attention', text: `${REMEDY_LABEL[r.code]} — ${r.why}` }));
  const instead: { text: string }[] = [];
  const own = check.remedies.filter((r) => HELP_DESK_REMEDIES.has(r.code));
  if (!own.some((r) => r.clears)) {
    const others = check.remedies.filter((r) => !HELP_DESK_REMEDIES.has(r.code) && r.clears);
    instead.push({ text: `Neither a TAP nor an exemption clears the block. Instead:` });
    for (const r of others) instead.push({ text: `• ${REMEDY_LABEL[r.code]}: ${r.why}` });
    const exemption = check.remedies.find((r) => r.code === 'temporary-exemption');
    const ca = exemption?.detail.remaining ?? [];
    if (check.exemptionGroup && exemption && !exemption.clears && ca.length > 0 && ca.every((b) => b.code.startsWith('ca-') && b.policies.length > 0)) {
      const names = ca.flatMap((b) => b.policies.map((p) => p.name));
      instead.push({ text: `• An identity administrator excludes the group "${check.exemptionGroup.name}" from ${policyPhrase(names)}; then "${TICKET_BUTTONS.exemptShow}" clears it.` });
    }
    if (others.length === 0) {
      const names = [...new Set(check.blocking.flatMap((b) => b.policyNames))];
      instead.push({ text: `• An identity administrator must change ${policyPhrase(names)}: see "What an identity administrator can change" under ${BUTTONS.showDetails}.` });
    }
  }
  return { heading: `What works for ${name} (${when})`, lines, instead };
}

/** "A sign-in rule does not accept Authenticator (the policy "Passkey pilot: …")", for the requester. */
export function blockedInWords(blocking: Blocker[]): string {
  if (blocking.length === 0) return 'something in your organisation';
  return blocking.map((b) => `${findingCopy(b.code).title}${b.policyNames.length > 0 ? ` (${policyPhrase(b.policyNames)})` : ''}`).join('; ');
}

/** The card's words for a check made with a remedy in place. */
function afterText(after: AfterCheck | undefined, what: string): string {
  if (!after) return '';
  if (after.clears === undefined) return `; could not be checked with ${what} in place`;
  if (after.clears) return `; checked with ${what} in place: nothing blocks any more`;
  return `; checked with ${what} in place: still blocked — ${after.blocking.map((b) => `${findingCopy(b.code).title}${b.policyNames.length > 0 ? ` (${policyPhrase(b.policyNames)})` : ''}`).join('; ')}`;
}

function stateLines(ticket: Ticket, options: TicketCardOptions, past: (iso: string) => boolean): { text: string; color: string }[] {
  const zone = options.timeZone;
  const lines: { text: string; color: string }[] = [];
  const { tap, exemption, resolution } = ticket;
  if (tap) {
    const use = tap.oneTime ? 'one-time use' : 'reusable';
    const delivery =
      tap.delivery === 'failed'
        ? tap.revokedAt
          ? `; it could not be delivered (${tap.deliveryError ?? 'error'}) and was deleted at ${clockTime(tap.revokedAt, zone)}`
          : `; it could not be delivered (${tap.deliveryError ?? 'error'}) and deleting it failed (${tap.revokeError ?? 'error'}): the bot keeps trying`
        : tap.delivery === 'unconfirmed'
          ? '; delivery not confirmed (the bot stopped while sending it)'
          : '';
    const after = tap.delivery === 'failed' ? '' : afterText(tap.after, 'it');
    lines.push({
      text: `TAP issued ${timeWindow(tap.start, tap.end, zone)} by ${tap.by.name}, ${use}${past(tap.end) ? ' (expired)' : ''}${delivery}${after}`,
      color: tap.delivery === 'failed' || tap.delivery === 'unconfirmed' || tap.after?.clears === false ? 'Attention' : 'Default',
    });
  }
  if (exemption) {
    const group = options.exemption?.groupName ?? exemption.groupId;
    lines.push({
      text: `Exempted ${timeWindow(exemption.start, exemption.end, zone)} (group "${group}") by ${exemption.by.name}${exemption.removedAt ? '' : afterText(exemption.after, 'it')}`,
      color: !exemption.removedAt && exemption.after?.clears === false ? 'Attention' : 'Default',
    });
    if (exemption.removedAt) lines.push({ text: `Exemption removed at ${clockTime(exemption.removedAt, zone)}`, color: 'Good' });
    else if (exemption.removalError) {
      // Also an alert at the top of the card, with the failures and the next attempt (see alerts).
      lines.push({ text: `The exemption could not be removed: ${exemption.removalError}. Remove ${ticket.requester.name} from the group "${group}" by hand.`, color: 'Attention' });
    } else if (past(exemption.end)) {
      lines.push({ text: `The exemption window ended at ${clockTime(exemption.end, zone)}, but it has not been removed yet.`, color: 'Attention' });
    }
  }
  if (ticket.status === 'resolved' && resolution) {
    lines.push({ text: `Resolved by ${resolution.by.name}${resolution.note.trim() ? `: ${resolution.note.trim()}` : ''}`, color: 'Good' });
  }
  return lines;
}

/** What needs a person now, shown at the top of the card: an overdue removal, a pass the ticket did not issue, an unwritten audit line. */
function alerts(ticket: Ticket, options: TicketCardOptions, past: (iso: string) => boolean): { text: string }[] {
  const zone = options.timeZone;
  const out: { text: string }[] = [];
  const { exemption, unknownTap, auditPending } = ticket;
  const name = ticket.requester.name;
  if (exemption && !exemption.removedAt && exemption.removalError) {
    const group = options.exemption?.groupName ?? exemption.groupId;
    const failures = exemption.removalFailures ?? 1;
    out.push({
      text:
        `Overdue: ${name} is still in the exemption group "${group}" — the exemption ended at ${clockTime(exemption.end, zone)}. ` +
        `Removing them failed ${failures === 1 ? 'once' : `${failures} times`} (last at ${clockTime(exemption.lastRemovalAttemptAt ?? exemption.end, zone)}: ${exemption.removalError}). ` +
        `The bot tries again${exemption.nextRemovalAt ? ` at ${clockTime(exemption.nextRemovalAt, zone)}` : ''} until it succeeds; to end it now, remove ${name} from "${group}" in the Entra admin center.`,
    });
  } else if (exemption && !exemption.removedAt && past(exemption.end) && options.now && Date.parse(options.now) - Date.parse(exemption.end) > 5 * 60_000) {
    out.push({ text: `Overdue: the exemption ended at ${clockTime(exemption.end, zone)} but ${name} has not been removed from the exemption group yet.` });
  }
  if (unknownTap && !(ticket.tap && ticket.tap.methodId === unknownTap.methodId)) {
    out.push({
      text:
        `Graph holds a Temporary Access Pass for ${name} that this ticket did not issue (created ${clockTime(unknownTap.createdAt ?? unknownTap.start, zone)}, valid until ${clockTime(unknownTap.end, zone)})` +
        `${unknownTap.afterCrash ? ', probably the one the bot was creating when it stopped; its value never reached them' : ''}. It was not replaced. ` +
        `If ${name} does not have it, delete it in the Entra admin center (Users › ${name} › Authentication methods), then issue a new one.`,
    });
  }
  if (auditPending) {
    out.push({ text: `Not in the audit log yet (it failed at ${clockTime(auditPending.since, zone)}: ${auditPending.error}): ${auditPending.lines.join('; ')}. The bot writes it with the next entry.` });
  }
  if (ticket.channelPostPending) {
    out.push({ text: `This card was posted late: the first post failed at ${clockTime(ticket.channelPostPending.since, zone)} (${ticket.channelPostPending.error}).` });
  }
  return out;
}

/** The help desk's steps; the generic "read the diagnosis" step when the engine offered none. */
function helpdeskSteps(d: Diagnosis): StepGroup[] {
  const own = adviceFor(d, { tapOffered: true }).steps.helpdesk;
  if (own.length > 0) return own;
  const main = mainFinding(d);
  const ctx = { findings: [main.code], policies: policyPhrase(main.policies.map((p) => p.name)), platform: d.context.platform, tapOffered: true, tapValidNow: false };
  return [{ steps: workaroundSteps('contact-help-desk', 'helpdesk', ctx) }];
}

function numbered(groups: StepGroup[]) {
  return groups.map((g) => ({ heading: g.heading ?? '', steps: g.steps.map((text, i) => ({ number: `${i + 1}.`, text })) }));
}

function adminLines(groups: StepGroup[]) {
  return groups.flatMap((g) => [...(g.heading ? [{ text: `${g.heading}:` }] : []), ...g.steps.map((text, i) => ({ text: `${i + 1}. ${text}` }))]);
}

function findingLine(f: Finding): string {
  const parts = [f.blocking ? '' : 'not blocking', f.policies.length > 0 ? policyPhrase(f.policies.map((p) => p.name)) : ''].filter(Boolean);
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
  if (c && ticket.check?.contextAssumed) return ['phone not said (checked as Android)', ticket.reason === 'requestTap' ? 'asked for a Temporary Access Pass' : 'asked for the help desk'].join(' · ');
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

function diagnosisFacts(d: Diagnosis, zone: string | undefined) {
  return [{ title: 'Checked', value: formatTime(d.context.at, zone) }, { title: 'User id', value: d.user.id }];
}

/** What a sign-in error code means, for the agent (the codes this registration meets). */
const SIGN_IN_ERRORS: Record<number, string> = {
  53003: 'blocked by Conditional Access',
  53000: 'device not compliant (or not managed)',
  53001: 'device not domain-joined',
  53002: 'approved client app required',
  53004: 'proof-up blocked: Register security information is not allowed here',
  53010: 'policy requires a managed app or compliant device for registration',
  50074: 'strong authentication (MFA) required',
  50076: 'strong authentication (MFA) required',
  50079: 'the user must register for strong authentication',
  50158: 'an external security challenge was not satisfied',
  530003: 'device must be managed',
};

/** The card's "Observed sign-in": the failed sign-in the log shows, or that the bot is still looking for it. */
function signInSection(ticket: Ticket, zone: string | undefined): { signInHeading: string; signInNote: string; signInFacts: { title: string; value: string }[] } {
  const s = ticket.signIn;
  const relook = ticket.signInRelook;
  if (!s) {
    if (!relook) return { signInHeading: '', signInNote: '', signInFacts: [] };
    return {
      signInHeading: 'Observed sign-in',
      signInNote:
        relook.done || !relook.nextAt
          ? 'The failed sign-in did not reach the sign-in log in the minutes after the report; look it up in the sign-in logs with the ids above.'
          : `Not in the sign-in log yet (sign-ins arrive after a few minutes); the bot looks again at ${clockTime(relook.nextAt, zone)} and updates this card.`,
      signInFacts: [],
    };
  }
  const meaning = SIGN_IN_ERRORS[s.errorCode];
  return {
    signInHeading: 'Observed sign-in (from the sign-in log)',
    signInNote: '',
    signInFacts: [
      { title: 'Time', value: dateTime(s.at, zone, { seconds: true }) },
      { title: 'App', value: s.app },
      { title: 'Error', value: `${s.errorCode}${meaning ? ` — ${meaning}` : ''}` },
      ...(s.failedPolicies.length > 0 ? [{ title: s.failedPolicies.length === 1 ? 'Failed policy' : 'Failed policies', value: s.failedPolicies.join('; ') }] : []),
      { title: 'Request ID', value: s.requestId },
      ...(s.correlationId ? [{ title: 'Correlation ID', value: s.correlationId }] : []),
    ],
  };
}

function errorIdFacts(ticket: Ticket, zone: string | undefined) {
  const { requestId, correlationId, timestamp } = ticket.errorIds;
  return [
    ...(requestId ? [{ title: 'Request Id', value: requestId }] : []),
    ...(correlationId ? [{ title: 'Correlation Id', value: correlationId }] : []),
    ...(timestamp ? [{ title: 'Timestamp', value: Number.isNaN(Date.parse(timestamp)) ? timestamp : dateTime(timestamp, zone, { seconds: true }) }] : []),
  ];
}

/** "30 minutes", "1 hour", "1 h 30 min", "8 hours". */
function minutes(m: number): string {
  if (m < 60) return m === 1 ? '1 minute' : `${m} minutes`;
  if (m % 60 === 0) return m === 60 ? '1 hour' : `${m / 60} hours`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** "5 Oct, 16:00 CEST" in the help desk's zone. */
function formatTime(iso: string, zone: string | undefined): string {
  return Number.isNaN(Date.parse(iso)) ? iso : dateTime(iso, zone);
}

/** Teams' date formatting wants RFC 3339 without fractions: 2026-10-05T10:00:00Z. */
function rfc3339(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) throw new Error(`Not a time: ${iso}`);
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const cardTime = (iso: string) => `{{TIME(${rfc3339(iso)})}}`;
export const cardDate = (iso: string) => `{{DATE(${rfc3339(iso)}, SHORT)}}`;
