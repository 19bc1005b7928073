// What the check made after a remedy was applied says, in words agents and requesters read
// (thread lines, the ticket's history, follow-ups): the finding's title, never the engine's code.
import { findingCopy } from '../cards/copy';
import type { AfterCheck, Blocker } from '../tickets/ticket';

/** "Checked with the pass in place: Lena Fischer is still blocked — Authenticator asks for the passkey you are creating ("Passkey pilot: …")". */
export function afterSentence(name: string, what: string, after: AfterCheck): string {
  if (after.clears === undefined) return `${name} could not be checked with ${what} in place (${after.error ?? 'unknown error'})`;
  if (after.clears) return `Checked with ${what} in place: nothing blocks ${name} any more`;
  return `Checked with ${what} in place: ${name} is still blocked — ${blockerList(after.blocking)}`;
}

/** ca-auth-strength-loop ("Passkey pilot: …"); tap-expired */
export function blockerList(blocking: Blocker[]): string {
  // In words (the finding's title), never the engine's code: agents and requesters read these lines.
  return blocking.map((b) => `${findingCopy(b.code).title}${b.policyNames.length > 0 ? ` (${b.policyNames.map((n) => `"${n}"`).join(', ')})` : ''}`).join('; ');
}
