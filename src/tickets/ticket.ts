// A help-desk ticket: everything an agent needs about a failed passkey registration, and what
// has been done about it. Plain data; never holds a TAP value or any other secret.
import type { Diagnosis, FindingCode, Remedy } from '../diagnosis';

export type TicketStatus = 'open' | 'taken' | 'resolved';

export interface Person {
  aadObjectId: string;
  name: string;
  userPrincipalName?: string;
}

/**
 * One line of what the employee said and did, kept as data and worded in the reader's language
 * (src/cards/transcript-words.ts); their own words stay as they wrote them. A plain string is a
 * line stored by an earlier version, in English, shown as written.
 */
export type TranscriptEntry =
  | string
  /** Typed or pasted; `trimmedFrom`: the whole message's length when only the start was kept. */
  | { said: string; trimmedFrom?: number }
  /** A question card's answer: the question's id and the choice's value. */
  | { answered: string; value: string }
  | { diagnosed: FindingCode[] }
  /** Pressed "It worked" while Graph shows no passkey in Authenticator yet. */
  | { fixedWithoutPasskey: true }
  /** Wrote again about their open ticket. */
  | { followUp: string }
  /** Pressed the button again while their ticket was open. */
  | { pressedAgain: 'requestTap' | 'contactHelpDesk' };

/** What the requester added to their open ticket: words they wrote, or a button pressed again. */
export type FollowUp = string | { pressedAgain: 'requestTap' | 'contactHelpDesk' };

export interface TicketEvent {
  at: string;
  by: string;
  /** One line for the ticket's thread, e.g. "Hana Kim issued a Temporary Access Pass (10:00–11:00)". */
  text: string;
}

export interface Ticket {
  /** Short id the user can quote, e.g. "PK-7Q3D". */
  id: string;
  createdAt: string;
  status: TicketStatus;
  requester: Person;
  /** Why the user asked: "contactHelpDesk", "requestTap", or the diagnosis said escalate. */
  reason: 'contactHelpDesk' | 'requestTap';
  diagnosis: Diagnosis | null;
  /** Error page ids the user pasted (for the sign-in logs). */
  errorIds: { requestId?: string; correlationId?: string; timestamp?: string };
  /** What the user said and did in the conversation (worded for the reader by the card). */
  transcript: TranscriptEntry[];
  assignee?: Person;
  tap?: TicketTap;
  /**
   * Stored before the bot asks Graph for a pass and cleared once the outcome is recorded: after a
   * crash in between, a pass found in Graph is known to be the one this request created.
   */
  tapRequest?: { by: Person; at: string; lifetime: number; oneTime: boolean };
  /** A usable pass Graph holds for the requester that this ticket did not issue: reported, never replaced. */
  unknownTap?: { methodId: string; createdAt?: string; start: string; end: string; foundAt: string; afterCrash: boolean };
  exemption?: TicketExemption;
  resolution?: { by: Person; at: string; note: string };
  /** Where the ticket card lives in the help-desk channel, to update it in place. */
  channelPost?: { conversationId: string; activityId: string };
  /**
   * Set while the ticket has not reached the help-desk channel (the post failed; a stored job
   * retries it until it is posted). The requester's confirmation says so instead of "the help desk has it".
   */
  channelPostPending?: { since: string; attempts: number; error: string; nextAttemptAt?: string };
  /** Audit lines of this ticket the audit log could not write yet (kept and written with the next line). */
  auditPending?: { since: string; error: string; lines: string[] };
  /**
   * The requester as the bot last checked them, fresh from Graph: at open, at each TAP or
   * exemption action, on a follow-up. What the card offers as the fix comes from here.
   */
  check?: TicketCheck;
  /** Why the last check could not be made (Graph did not answer); cleared by the next check. */
  checkError?: { at: string; error: string };
  /** The failed sign-in the log shows for this registration (the one the user named, or the newest): on the card. */
  signIn?: TicketSignIn;
  /**
   * The user's failure was not in the sign-in log when the ticket was opened (sign-ins arrive
   * after minutes): the bot looks again at `nextAt` (stored jobs), until `done`.
   */
  signInRelook?: { reportedAt: string; nextAt?: string; done?: boolean };
  history: TicketEvent[];
}

/** A failed sign-in as the log has it, for the agent (no portal needed). */
export interface TicketSignIn {
  /** When it happened (ISO, UTC). */
  at: string;
  /** The app, by name ("Microsoft Authenticator"). */
  app: string;
  errorCode: number;
  /** The Conditional Access policies whose result was "failure", by name. */
  failedPolicies: string[];
  /** The sign-in's id (the error page's Request ID) and correlation id. */
  requestId: string;
  correlationId: string;
  /** When the bot found it in the log. */
  seenAt: string;
}

/** A blocking finding, by code and the policies behind it. */
export interface Blocker {
  code: FindingCode;
  policyNames: string[];
}

/** What the bot found when it diagnosed the requester afresh, with each remedy checked. */
export interface TicketCheck {
  at: string;
  /** The phone the check was for: the conversation's, or Android when the requester never said. */
  context: Diagnosis['context'];
  /** The requester did not say which phone: the check assumed the context above. */
  contextAssumed?: boolean;
  /** The requester as Graph had them: a guest; in the Temporary Access Pass method's targets. */
  guest: boolean;
  tapTargeted: boolean;
  /** The exemption group the exemption remedy was checked with (absent: not checked). */
  exemptionGroup?: { id: string; name: string };
  /** Blocking findings ([] = nothing blocks). */
  blocking: Blocker[];
  /** Each remedy the engine checked by applying it and diagnosing again. */
  remedies: Remedy[];
}

/** The requester diagnosed again right after a remedy was applied, with it in place. */
export interface AfterCheck {
  at: string;
  /** Nothing blocks any more. Absent when the check could not be made (see error). */
  clears?: boolean;
  /** What still blocks ([] when it clears). */
  blocking: Blocker[];
  error?: string;
}

export interface TicketTap {
  by: Person;
  at: string;
  start: string;
  end: string;
  oneTime: boolean;
  methodId: string;
  /**
   * sending: recorded, the value on its way to the requester (a crash here leaves it unconfirmed);
   * delivered; failed: it could not be delivered and was deleted (or deleting it failed, see revokeError);
   * unconfirmed: the bot stopped while sending it. Absent on tickets from before this field.
   */
  delivery?: 'sending' | 'delivered' | 'failed' | 'unconfirmed';
  deliveryError?: string;
  /** When the bot deleted the pass in Graph (it could not be delivered). */
  revokedAt?: string;
  /** Deleting the undeliverable pass failed (a stored job keeps trying). */
  revokeError?: string;
  /** The requester diagnosed with this pass in place, before they were told anything. */
  after?: AfterCheck;
}

export interface TicketExemption {
  by: Person;
  at: string;
  groupId: string;
  start: string;
  end: string;
  removedAt?: string;
  /** The last removal attempt's error, while the removal has not succeeded. */
  removalError?: string;
  /** Failed removal attempts so far (the removal is retried until it succeeds). */
  removalFailures?: number;
  lastRemovalAttemptAt?: string;
  /** When the stored job tries the removal again. */
  nextRemovalAt?: string;
  /** The requester diagnosed with the exemption in place, before they were told anything. */
  after?: AfterCheck;
}

/** The pass is in someone's hands: its window has not ended, it was delivered (or is on its way), not deleted. */
export function tapLive(tap: TicketTap | undefined, now: Date | number): tap is TicketTap {
  return !!tap && !tap.revokedAt && tap.delivery !== 'failed' && Date.parse(tap.end) > (typeof now === 'number' ? now : now.getTime());
}

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'; // no 0/O, 1/I/L: ids are read out on the phone

export function newTicketId(random: () => number = Math.random): string {
  let id = 'PK-';
  for (let i = 0; i < 4; i++) id += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return id;
}
