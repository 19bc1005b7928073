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
import { BUTTONS, findingCopy, platformLabel, policyPhrase, workaroundSteps } from './copy';
import { transcriptLine } from './transcript-words';
import { evidenceWords } from './evidence-words';
import { remedyWhy as remedyWords } from './remedy-words';
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

const STATUS_COLOR = { open: 'Warning', taken: 'Accent', resolved: 'Good' } as const;

/** The help-desk channel's card for a ticket, showing its current state, in the help desk's language (`m`, from HELPDESK_LOCALE). */
export function ticketCard(ticket: Ticket, options: TicketCardOptions, m: Messages = english()): AdaptiveCard {
  const { diagnosis, status } = ticket;
  const resolved = status === 'resolved';
  const now = options.now ? Date.parse(options.now) : NaN;
  const w = words(options.timeZone, m);
  const past = (iso: string) => !Number.isNaN(now) && now >= Date.parse(iso);
  const exemptionActive = Boolean(ticket.exemption && !ticket.exemption.removedAt);
  // A pass whose window has ended (or that the bot deleted, undeliverable) can be replaced by a new one.
  const tapActive = !!ticket.tap && (!options.now ? !ticket.tap.revokedAt && ticket.tap.delivery !== 'failed' : tapLive(ticket.tap, Date.parse(options.now)));
  const tapRefusal = !resolved && !tapActive ? (options.tap.refusal?.trim() ?? '') : '';
  const exemptionRefusal = !resolved && !exemptionActive ? (options.exemption?.refusal?.trim() ?? '') : '';
  const advice = diagnosis ? adviceFor(diagnosis, { tapOffered: true, ...(options.tenant ? { tenant: options.tenant } : {}) }, m) : undefined;
  // What the bot checked for this requester (remedies applied and diagnosed again) replaces the
  // generic help-desk steps: the card then says what works, and what to do when nothing it can apply does.
  const checked = resolved ? undefined : checkSection(ticket, w);

  const canIssueTap = !resolved && !tapActive && tapRefusal === '';
  const canExempt = !resolved && !exemptionActive && options.exemption !== undefined && exemptionRefusal === '';
  const tap = canIssueTap ? tapForm(ticket, options.tap, m) : undefined;
  const exemption = canExempt && options.exemption ? exemptionForm(ticket, options.exemption, w) : undefined;

  return renderCard('ticket', {
    ticketId: ticket.id,
    title: m.t('ticketCard.title', { id: ticket.id }),
    status: {
      text: status === 'taken' && ticket.assignee ? m.t('ticketCard.status.takenBy', { name: ticket.assignee.name }) : statusText(status, m),
      color: STATUS_COLOR[status],
    },
    created: m.t('ticketCard.created', { time: w.time(ticket.createdAt) }),
    // The UPN is what an agent searches Entra for; the diagnosis has it when Teams did not give it.
    requester: personLine({ ...ticket.requester, userPrincipalName: ticket.requester.userPrincipalName ?? diagnosis?.user.userPrincipalName ?? undefined }),
    context: contextLine(ticket, m),
    diagnosisTitle: advice?.title ?? m.t('ticketCard.notDiagnosed'),
    cause: advice?.cause ?? m.t('ticketCard.notDiagnosedCause'),
    // Words, not the engine's codes: the agent reads the finding's title and its policy.
    findings: (diagnosis?.findings ?? []).map((f) => ({ code: findingCopy(f.code, m).title, text: findingLine(f, w) })),
    errorIds: errorIdFacts(ticket, w),
    ...signInSection(ticket, w),
    stateLines: stateLines(ticket, options, past, w),
    alerts: alerts(ticket, options, past, w),
    helpdeskHeading: m.t('ticketCard.heading.helpdesk'),
    helpdeskGroups: numbered(diagnosis && !checked ? helpdeskSteps(diagnosis, m) : []),
    remedyHeading: checked?.heading ?? '',
    remedyLines: checked?.lines ?? [],
    instead: checked?.instead ?? [],
    refusals: [tapRefusal, exemptionRefusal].filter(Boolean).map((text) => ({ text })),
    detailsHeading: m.t('ticketCard.heading.details'),
    facts: diagnosis ? diagnosisFacts(diagnosis, w) : [],
    details: (diagnosis?.findings ?? [])
      .filter((f) => f.evidence.length > 0)
      .map((f) => ({ heading: detailsHeading(f, m), evidence: evidenceWords(f, m).map((text) => ({ text })) })),
    lists: [
      ...(advice && advice.steps.admin.length > 0
        ? [{ heading: m.t('ticketCard.heading.admin'), note: advice.adminNote, lines: adminLines(advice.steps.admin, m) }]
        : []),
      ...(ticket.transcript.length > 0
        ? [{ heading: m.t('ticketCard.heading.tried'), note: '', lines: ticket.transcript.slice(-TRANSCRIPT_LINES).map((entry) => ({ text: transcriptLine(entry, m) })) }]
        : []),
      ...(ticket.history.length > 0
        ? [{ heading: m.t('ticketCard.heading.history'), note: '', lines: ticket.history.slice(-HISTORY_LINES).map((e) => ({ text: m.t('ticketCard.historyLine', { time: w.time(e.at), text: e.text }) })) }]
        : []),
    ],
    updated: options.now ? m.t('ticketCard.updated', { time: w.time(options.now) }) : '',
    canTake: status === 'open',
    canIssueTap,
    canExempt,
    canResolve: !resolved,
    canReopen: resolved,
    tap: tap ?? EMPTY_TAP_FORM,
    exemption: exemption ?? EMPTY_EXEMPTION_FORM,
    resolveNoteLabel: m.t('ticketCard.resolveNoteLabel'),
    resolveNotePlaceholder: m.t('ticketCard.resolveNotePlaceholder'),
    buttons: ticketButtons(m),
  }, { messages: m });
}

// ---- the ticket card's parts ----

/** The reader's words and clock: the help desk's messages and time zone. */
interface Words {
  m: Messages;
  zone: string | undefined;
  /** "5 Oct, 16:00 CEST" (anything not a time as it is). */
  time(iso: string): string;
  /** "16:00 CEST". */
  clock(iso: string): string;
  window(start: string, end: string): string;
  /** the policy "A", the policies "A" and "B" — names exactly as the tenant wrote them. */
  policies(names: readonly string[]): string;
}

function words(zone: string | undefined, m: Messages): Words {
  return {
    m,
    zone,
    time: (iso) => (Number.isNaN(Date.parse(iso)) ? iso : dateTime(iso, zone, {}, m.locale)),
    clock: (iso) => clockTime(iso, zone, m.locale),
    window: (start, end) => timeWindow(start, end, zone, m.locale),
    policies: (names) => policyPhrase(names, m),
  };
}

function statusText(status: Ticket['status'], m: Messages): string {
  if (status === 'open') return m.t('ticketCard.status.open');
  if (status === 'taken') return m.t('ticketCard.status.taken');
  return m.t('ticketCard.status.resolved');
}

/** The ticket card's button titles in the reader's language (TICKET_BUTTONS are the English ones). */
export function ticketButtons(m: Messages): Record<'take' | 'resolve' | 'reopen' | 'showDetails', string> {
  return { take: m.t('ticketCard.button.take'), resolve: m.t('ticketCard.button.resolve'), reopen: m.t('ticketCard.button.reopen'), showDetails: m.t('ticketCard.button.showDetails') };
}

const EMPTY_TAP_FORM = { title: '', style: 'default', submit: '', warning: '', notes: [], lifetimes: [], defaultLifetime: '', lifetimeLabel: '', lifetimeError: '', oneTimeChoice: false, oneTimeLabel: '', oneTimeTitle: '' };
const EMPTY_EXEMPTION_FORM = { title: '', style: 'default', submit: '', warning: '', notes: [], hours: [], defaultHours: '', hoursLabel: '', hoursError: '' };

/** How a form's button reads: the fix, a warned "will not clear", or plain (not checked). */
function button(option: { warning?: string; fix?: boolean }, plain: { show: string; submit: string }, warned: { show: string; submit: string }, m: Messages) {
  const warning = option.warning?.trim() ?? '';
  return warning
    ? { title: warned.show, style: 'default', submit: warned.submit, warning: m.t('ticketCard.willNotClear', { warning }) }
    : { title: plain.show, style: option.fix ? 'positive' : 'default', submit: plain.submit, warning: '' };
}

function tapForm(ticket: Ticket, tap: TicketCardOptions['tap'], m: Messages) {
  if (tap.lifetimes.length === 0) throw new Error('TicketCardOptions.tap.lifetimes is empty: offer at least one lifetime');
  if (!tap.lifetimes.includes(tap.defaultLifetime)) {
    throw new Error(`TicketCardOptions.tap.defaultLifetime ${tap.defaultLifetime} is not one of the lifetimes ${tap.lifetimes.join(', ')}`);
  }
  const choice = tap.oneTimeChoice && !tap.forcedOneTime;
  return {
    ...button(
      tap,
      { show: m.t('ticketCard.button.tapShow'), submit: m.t('ticketCard.button.issueTap') },
      { show: m.t('ticketCard.button.tapShowWarned'), submit: m.t('ticketCard.button.issueTapWarned') },
      m,
    ),
    notes: [
      { text: m.t('ticketCard.tap.note', { name: ticket.requester.name }) },
      ...(tap.forcedOneTime ? [{ text: m.t('ticketCard.tap.forcedOneTime') }] : []),
    ],
    lifetimes: tap.lifetimes.map((n) => ({ title: minutes(n, m), value: String(n) })),
    defaultLifetime: String(tap.defaultLifetime),
    lifetimeLabel: m.t('ticketCard.tap.lifetimeLabel'),
    lifetimeError: m.t('ticketCard.tap.lifetimeError'),
    oneTimeChoice: choice,
    oneTimeLabel: m.t('ticketCard.tap.oneTimeLabel'),
    oneTimeTitle: m.t('ticketCard.tap.oneTimeTitle'),
  };
}

function exemptionForm(ticket: Ticket, exemption: NonNullable<TicketCardOptions['exemption']>, w: Words) {
  const { m } = w;
  if (exemption.hours.length === 0) throw new Error('TicketCardOptions.exemption.hours is empty: offer at least one duration');
  const blocking = ticket.diagnosis?.findings.filter((f) => f.blocking && f.code.startsWith('ca-')).flatMap((f) => f.policies.map((p) => p.name)) ?? [];
  // Checked, the form says what the exemption does (a warned form says it under its warning);
  // unchecked, it can only say when it would help.
  const checked = ticket.check?.remedies.find((r) => r.code === 'temporary-exemption');
  const effect = checked
    ? exemption.warning
      ? []
      : [{ text: remedyWhy(checked, w) }]
    : [{ text: blocking.length > 0 ? m.t('ticketCard.exemption.helpsIf', { policies: w.policies(blocking) }) : m.t('ticketCard.exemption.noBlocker') }];
  return {
    ...button(
      exemption,
      { show: m.t('ticketCard.button.exemptShow'), submit: m.t('ticketCard.button.grantExemption') },
      { show: m.t('ticketCard.button.exemptShowWarned'), submit: m.t('ticketCard.button.grantExemptionWarned') },
      m,
    ),
    notes: [
      { text: m.t('ticketCard.exemption.adds', { name: ticket.requester.name, group: exemption.groupName }) },
      ...effect,
      { text: m.t('ticketCard.exemption.window') },
      { text: m.t('ticketCard.exemption.control') },
    ],
    hours: exemption.hours.map((h) => ({ title: m.t('ticketCard.duration.hours', { n: h }), value: String(h) })),
    defaultHours: String(exemption.hours[0]),
    hoursLabel: m.t('ticketCard.exemption.hoursLabel'),
    hoursError: m.t('ticketCard.exemption.hoursError'),
  };
}

const REMEDY_LABEL: Record<Remedy['code'], string> = {
  'temporary-access-pass': 'ticketCard.remedy.temporary-access-pass',
  'temporary-exemption': 'ticketCard.remedy.temporary-exemption',
  'require-compliant-device': 'ticketCard.remedy.require-compliant-device',
  'register-in-each-profile': 'ticketCard.remedy.register-in-each-profile',
  'update-os': 'ticketCard.remedy.update-os',
};
const HELP_DESK_REMEDIES = new Set<Remedy['code']>(['temporary-access-pass', 'temporary-exemption']);

/** What a checked remedy does, for the agent, in the desk's words (English: the engine's own sentence). */
const remedyWhy = (r: Remedy, w: Words): string => remedyWords(r, w.m);

/** "Title (the policy "A")"; "Title" — the findings that block, in the reader's words. */
function blockerWords(blocking: Pick<Blocker, 'code' | 'policyNames'>[], w: Words): string {
  return blocking
    .map((b) => (b.policyNames.length > 0 ? w.m.t('ticketCard.blockerPolicies', { title: findingCopy(b.code, w.m).title, policies: w.policies(b.policyNames) }) : findingCopy(b.code, w.m).title))
    .join('; ');
}

/**
 * The remedies the bot checked for the requester, one line each with its effect ("✗ Issue a TAP —
 * … will not help: 'Pilot' accepts only a passkey in Microsoft Authenticator"), and, when neither
 * a TAP nor an exemption clears the block, what does instead (the admin change, with the policy).
 */
function checkSection(ticket: Ticket, w: Words): { heading: string; lines: { mark: string; color: string; text: string }[]; instead: { text: string }[] } | undefined {
  const { m } = w;
  const check = ticket.check;
  const name = ticket.requester.name;
  if (!check) {
    return ticket.checkError ? { heading: m.t('ticketCard.check.failed', { time: w.clock(ticket.checkError.at), error: ticket.checkError.error }), lines: [], instead: [] } : undefined;
  }
  const when = check.contextAssumed
    ? m.t('ticketCard.check.whenAssumed', { time: w.clock(check.at), name })
    : m.t('ticketCard.check.when', { time: w.clock(check.at), platform: platformLabel(check.context.platform, check.context.osVersion, m) });
  if (check.blocking.length === 0) return { heading: m.t('ticketCard.check.nothingBlocks', { name, when }), lines: [], instead: [] };
  const lines = check.remedies.map((r) => ({ mark: r.clears ? '✓' : '✗', color: r.clears ? 'Good' : 'Attention', text: m.t('ticketCard.remedy.line', { label: m.t(REMEDY_LABEL[r.code]), why: remedyWhy(r, w) }) }));
  const instead: { text: string }[] = [];
  const own = check.remedies.filter((r) => HELP_DESK_REMEDIES.has(r.code));
  if (!own.some((r) => r.clears)) {
    const others = check.remedies.filter((r) => !HELP_DESK_REMEDIES.has(r.code) && r.clears);
    instead.push({ text: m.t('ticketCard.check.neither') });
    for (const r of others) instead.push({ text: m.t('ticketCard.remedy.insteadLine', { label: m.t(REMEDY_LABEL[r.code]), why: remedyWhy(r, w) }) });
    const exemption = check.remedies.find((r) => r.code === 'temporary-exemption');
    const ca = exemption?.detail.remaining ?? [];
    if (check.exemptionGroup && exemption && !exemption.clears && ca.length > 0 && ca.every((b) => b.code.startsWith('ca-') && b.policies.length > 0)) {
      const names = ca.flatMap((b) => b.policies.map((p) => p.name));
      instead.push({ text: m.t('ticketCard.check.excludeGroup', { group: check.exemptionGroup.name, policies: w.policies(names), button: m.t('ticketCard.button.exemptShow') }) });
    }
    if (others.length === 0) {
      const names = [...new Set(check.blocking.flatMap((b) => b.policyNames))];
      instead.push({ text: m.t('ticketCard.check.adminMustChange', { policies: w.policies(names), heading: m.t('ticketCard.heading.admin'), button: m.t('ticketCard.button.showDetails') }) });
    }
  }
  return { heading: m.t('ticketCard.check.heading', { name, when }), lines, instead };
}

/** "A sign-in rule does not accept Authenticator (the policy "Passkey pilot: …")", for the requester. */
export function blockedInWords(blocking: Blocker[]): string {
  if (blocking.length === 0) return 'something in your organisation';
  return blocking.map((b) => `${findingCopy(b.code).title}${b.policyNames.length > 0 ? ` (${policyPhrase(b.policyNames)})` : ''}`).join('; ');
}

/** The card's words for a check made with a remedy in place. */
function afterText(after: AfterCheck | undefined, w: Words): string {
  if (!after) return '';
  if (after.clears === undefined) return w.m.t('ticketCard.after.unknown');
  if (after.clears) return w.m.t('ticketCard.after.clears');
  return w.m.t('ticketCard.after.blocked', { blockers: blockerWords(after.blocking, w) });
}

function stateLines(ticket: Ticket, options: TicketCardOptions, past: (iso: string) => boolean, w: Words): { text: string; color: string }[] {
  const { m } = w;
  const lines: { text: string; color: string }[] = [];
  const { tap, exemption, resolution } = ticket;
  if (tap) {
    const error = tap.deliveryError ?? m.t('ticketCard.state.error');
    const delivery =
      tap.delivery === 'failed'
        ? tap.revokedAt
          ? m.t('ticketCard.state.deliveryDeleted', { error, time: w.clock(tap.revokedAt) })
          : m.t('ticketCard.state.deliveryDeleteFailed', { error, revokeError: tap.revokeError ?? m.t('ticketCard.state.error') })
        : tap.delivery === 'unconfirmed'
          ? m.t('ticketCard.state.deliveryUnconfirmed')
          : '';
    const after = tap.delivery === 'failed' ? '' : afterText(tap.after, w);
    lines.push({
      text: m.t('ticketCard.state.tap', { window: w.window(tap.start, tap.end), name: tap.by.name, oneTime: tap.oneTime, expired: past(tap.end), delivery, after }),
      color: tap.delivery === 'failed' || tap.delivery === 'unconfirmed' || tap.after?.clears === false ? 'Attention' : 'Default',
    });
  }
  if (exemption) {
    const group = options.exemption?.groupName ?? exemption.groupId;
    lines.push({
      text: m.t('ticketCard.state.exempted', { window: w.window(exemption.start, exemption.end), group, name: exemption.by.name, after: exemption.removedAt ? '' : afterText(exemption.after, w) }),
      color: !exemption.removedAt && exemption.after?.clears === false ? 'Attention' : 'Default',
    });
    if (exemption.removedAt) lines.push({ text: m.t('ticketCard.state.exemptionRemoved', { time: w.clock(exemption.removedAt) }), color: 'Good' });
    else if (exemption.removalError) {
      // Also an alert at the top of the card, with the failures and the next attempt (see alerts).
      lines.push({ text: m.t('ticketCard.state.removalFailed', { error: exemption.removalError, name: ticket.requester.name, group }), color: 'Attention' });
    } else if (past(exemption.end)) {
      lines.push({ text: m.t('ticketCard.state.windowEnded', { time: w.clock(exemption.end) }), color: 'Attention' });
    }
  }
  if (ticket.status === 'resolved' && resolution) {
    const note = resolution.note.trim();
    lines.push({ text: note ? m.t('ticketCard.state.resolvedNote', { name: resolution.by.name, note }) : m.t('ticketCard.state.resolved', { name: resolution.by.name }), color: 'Good' });
  }
  return lines;
}

/** What needs a person now, shown at the top of the card: an overdue removal, a pass the ticket did not issue, an unwritten audit line. */
function alerts(ticket: Ticket, options: TicketCardOptions, past: (iso: string) => boolean, w: Words): { text: string }[] {
  const { m } = w;
  const out: { text: string }[] = [];
  const { exemption, unknownTap, auditPending } = ticket;
  const name = ticket.requester.name;
  if (exemption && !exemption.removedAt && exemption.removalError) {
    const group = options.exemption?.groupName ?? exemption.groupId;
    out.push({
      text: m.t('ticketCard.alert.overdueFailing', {
        name,
        group,
        end: w.clock(exemption.end),
        failures: exemption.removalFailures ?? 1,
        last: w.clock(exemption.lastRemovalAttemptAt ?? exemption.end),
        error: exemption.removalError,
        next: exemption.nextRemovalAt ? w.clock(exemption.nextRemovalAt) : 'none',
      }),
    });
  } else if (exemption && !exemption.removedAt && past(exemption.end) && options.now && Date.parse(options.now) - Date.parse(exemption.end) > 5 * 60_000) {
    out.push({ text: m.t('ticketCard.alert.overdue', { end: w.clock(exemption.end), name }) });
  }
  if (unknownTap && !(ticket.tap && ticket.tap.methodId === unknownTap.methodId)) {
    out.push({
      text: m.t('ticketCard.alert.unknownTap', { name, created: w.clock(unknownTap.createdAt ?? unknownTap.start), end: w.clock(unknownTap.end), afterCrash: Boolean(unknownTap.afterCrash) }),
    });
  }
  if (auditPending) {
    out.push({ text: m.t('ticketCard.alert.auditPending', { time: w.clock(auditPending.since), error: auditPending.error, lines: auditPending.lines.join('; ') }) });
  }
  if (ticket.channelPostPending) {
    out.push({ text: m.t('ticketCard.alert.postedLate', { time: w.clock(ticket.channelPostPending.since), error: ticket.channelPostPending.error }) });
  }
  return out;
}

/** The help desk's steps; the generic "read the diagnosis" step when the engine offered none. */
function helpdeskSteps(d: Diagnosis, m: Messages): StepGroup[] {
  const own = adviceFor(d, { tapOffered: true }, m).steps.helpdesk;
  if (own.length > 0) return own;
  const main = mainFinding(d);
  const ctx = { findings: [main.code], policyNames: main.policies.map((p) => p.name), platform: d.context.platform, tapOffered: true, tapValidNow: false };
  return [{ steps: workaroundSteps('contact-help-desk', 'helpdesk', ctx, m) }];
}

function numbered(groups: StepGroup[]) {
  return groups.map((g) => ({ heading: g.heading ?? '', steps: g.steps.map((text, i) => ({ number: `${i + 1}.`, text })) }));
}

function adminLines(groups: StepGroup[], m: Messages) {
  return groups.flatMap((g) => [...(g.heading ? [{ text: m.t('ticketCard.adminGroupHeading', { heading: g.heading }) }] : []), ...g.steps.map((text, i) => ({ text: `${i + 1}. ${text}` }))]);
}

function findingLine(f: Finding, w: Words): string {
  const policies = f.policies.length > 0 ? w.policies(f.policies.map((p) => p.name)) : '';
  if (!f.blocking) return policies ? w.m.t('ticketCard.findingLine.notBlockingPolicies', { policies }) : w.m.t('ticketCard.findingLine.notBlocking');
  return policies ? w.m.t('ticketCard.findingLine.policies', { policies }) : '';
}

function detailsHeading(f: Finding, m: Messages): string {
  return f.blocking || f.code === 'no-blocker-found' ? findingCopy(f.code, m).title : m.t('ticketCard.notBlockingHeading', { title: findingCopy(f.code, m).title });
}

function personLine(p: Person): string {
  return p.userPrincipalName ? `${p.name} · ${p.userPrincipalName}` : p.name;
}

function contextLine(ticket: Ticket, m: Messages): string {
  const c = ticket.diagnosis?.context;
  const asked = ticket.reason === 'requestTap' ? m.t('ticketCard.context.requestTap') : m.t('ticketCard.context.helpDesk');
  if (c && ticket.check?.contextAssumed) return [m.t('ticketCard.context.assumed'), asked].join(' · ');
  return [
    ...(c
      ? [
          platformLabel(c.platform, c.osVersion, m),
          ...(c.androidProfile ? [m.t('ticketCard.context.profile', { profile: c.androidProfile })] : []),
          ...(c.passkeyProfile && c.passkeyProfile !== c.androidProfile ? [m.t('ticketCard.context.passkeyProfile', { profile: c.passkeyProfile })] : []),
          ...(c.crossDevice ? [m.t('ticketCard.context.crossDevice')] : []),
          ...(c.bluetoothRestricted ? [m.t('ticketCard.context.bluetooth')] : []),
        ]
      : []),
    asked,
  ].join(' · ');
}

function diagnosisFacts(d: Diagnosis, w: Words) {
  return [
    { title: w.m.t('ticketCard.fact.checked'), value: w.time(d.context.at) },
    { title: w.m.t('ticketCard.fact.userId'), value: d.user.id },
  ];
}

/** What a sign-in error code means, for the agent (the codes this registration meets). */
const SIGN_IN_ERRORS: Record<number, string> = {
  53003: 'ticketCard.signIn.meaning.53003',
  53000: 'ticketCard.signIn.meaning.53000',
  53001: 'ticketCard.signIn.meaning.53001',
  53002: 'ticketCard.signIn.meaning.53002',
  53004: 'ticketCard.signIn.meaning.53004',
  53010: 'ticketCard.signIn.meaning.53010',
  50074: 'ticketCard.signIn.meaning.50074',
  50076: 'ticketCard.signIn.meaning.50076',
  50079: 'ticketCard.signIn.meaning.50079',
  50158: 'ticketCard.signIn.meaning.50158',
  530003: 'ticketCard.signIn.meaning.530003',
};

/** The card's "Observed sign-in": the failed sign-in the log shows, or that the bot is still looking for it. */
function signInSection(ticket: Ticket, w: Words): { signInHeading: string; signInNote: string; signInFacts: { title: string; value: string }[] } {
  const { m } = w;
  const s = ticket.signIn;
  const relook = ticket.signInRelook;
  if (!s) {
    if (!relook) return { signInHeading: '', signInNote: '', signInFacts: [] };
    return {
      signInHeading: m.t('ticketCard.signIn.heading'),
      signInNote: relook.done || !relook.nextAt ? m.t('ticketCard.signIn.notFound') : m.t('ticketCard.signIn.notYet', { time: w.clock(relook.nextAt) }),
      signInFacts: [],
    };
  }
  const meaning = Object.hasOwn(SIGN_IN_ERRORS, s.errorCode) ? m.t(SIGN_IN_ERRORS[s.errorCode]) : '';
  return {
    signInHeading: m.t('ticketCard.signIn.headingLog'),
    signInNote: '',
    signInFacts: [
      { title: m.t('ticketCard.signIn.time'), value: dateTime(s.at, w.zone, { seconds: true }, m.locale) },
      { title: m.t('ticketCard.signIn.app'), value: s.app },
      { title: m.t('ticketCard.signIn.error'), value: meaning ? m.t('ticketCard.signIn.errorMeaning', { code: String(s.errorCode), meaning }) : String(s.errorCode) },
      ...(s.failedPolicies.length > 0 ? [{ title: m.t('ticketCard.signIn.failedPolicies', { count: s.failedPolicies.length }), value: s.failedPolicies.join('; ') }] : []),
      { title: m.t('ticketCard.signIn.requestId'), value: s.requestId },
      ...(s.correlationId ? [{ title: m.t('ticketCard.signIn.correlationId'), value: s.correlationId }] : []),
    ],
  };
}

function errorIdFacts(ticket: Ticket, w: Words) {
  const { requestId, correlationId, timestamp } = ticket.errorIds;
  return [
    ...(requestId ? [{ title: w.m.t('ticketCard.fact.requestId'), value: requestId }] : []),
    ...(correlationId ? [{ title: w.m.t('ticketCard.fact.correlationId'), value: correlationId }] : []),
    ...(timestamp ? [{ title: w.m.t('ticketCard.fact.timestamp'), value: Number.isNaN(Date.parse(timestamp)) ? timestamp : dateTime(timestamp, w.zone, { seconds: true }, w.m.locale) }] : []),
  ];
}

/** "30 minutes", "1 hour", "1 h 30 min", "8 hours". */
function minutes(n: number, m: Messages): string {
  if (n < 60) return m.t('ticketCard.duration.minutes', { n });
  if (n % 60 === 0) return m.t('ticketCard.duration.hours', { n: n / 60 });
  return m.t('ticketCard.duration.hoursMinutes', { h: Math.floor(n / 60), min: n % 60 });
}

/** Teams' date formatting wants RFC 3339 without fractions: 2026-10-05T10:00:00Z. */
function rfc3339(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) throw new Error(`Not a time: ${iso}`);
  return t.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const cardTime = (iso: string) => `{{TIME(${rfc3339(iso)})}}`;
export const cardDate = (iso: string) => `{{DATE(${rfc3339(iso)}, SHORT)}}`;
