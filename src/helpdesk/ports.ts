// What the help desk hands to the outside: the notifier port the Teams layer (or a webhook)
// implements, what it tells the requester, and the outcome of an action. Types only, so every
// part of the help desk can name them without importing the HelpDesk class (no cycle).
import type { AfterCheck, Ticket } from '../tickets/ticket';

export interface TapIssued {
  value: string;
  start: string;
  end: string;
  oneTime: boolean;
  /** The requester diagnosed with this pass in place: what the delivery says it achieves. */
  after?: AfterCheck;
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
  | { kind: 'reopened' }
  /** The ticket reached the help desk after its first post failed. */
  | { kind: 'posted' }
  /** The failed sign-in reached the log after the ticket was opened, and it shows more than they were told. */
  | { kind: 'signInSeen' };

export type ActionOutcome =
  | { outcome: 'done'; ticket: Ticket; message: string }
  | { outcome: 'already-done' | 'refused' | 'failed'; ticket?: Ticket; message: string };
