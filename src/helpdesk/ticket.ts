// A help-desk ticket: everything an agent needs about a failed passkey registration, and what
// has been done about it. Plain data; never holds a TAP value or any other secret.
import type { Diagnosis } from '../diagnosis';

export type TicketStatus = 'open' | 'taken' | 'resolved';

export interface Person {
  aadObjectId: string;
  name: string;
  userPrincipalName?: string;
}

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
  /** What the user said and did in the conversation. */
  transcript: string[];
  assignee?: Person;
  tap?: { by: Person; at: string; start: string; end: string; oneTime: boolean; methodId: string };
  exemption?: { by: Person; at: string; groupId: string; start: string; end: string; removedAt?: string; removalError?: string };
  resolution?: { by: Person; at: string; note: string };
  /** Where the ticket card lives in the help-desk channel, to update it in place. */
  channelPost?: { conversationId: string; activityId: string };
  history: TicketEvent[];
}

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'; // no 0/O, 1/I/L: ids are read out on the phone

export function newTicketId(random: () => number = Math.random): string {
  let id = 'PK-';
  for (let i = 0; i < 4; i++) id += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return id;
}

export function timeOfDay(iso: string): string {
  return iso.slice(11, 16);
}

/** "10:00–11:00" (UTC; cards show local time through Teams' date formatting where they can). */
export function window(start: string, end: string): string {
  return `${timeOfDay(start)}–${timeOfDay(end)}`;
}
