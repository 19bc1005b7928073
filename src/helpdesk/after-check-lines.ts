// What the check made after a remedy was applied says, in words agents and requesters read
// (thread lines, the ticket's history, follow-ups): the finding's title, never the engine's code.
import { findingCopy } from '../cards/copy';
import { english, type Messages } from '../i18n';
import type { AfterCheck, Blocker } from '../tickets/ticket';

/** "Checked with the pass in place: Lena Fischer is still blocked — Authenticator asks for the passkey you are creating ("Passkey pilot: …")". */
export function afterSentence(name: string, what: 'pass' | 'exemption', after: AfterCheck, m: Messages = english()): string {
  if (after.clears === undefined) return m.t('desk.after.unknown', { name, what, error: after.error ?? m.t('desk.unknownError') });
  if (after.clears) return m.t('desk.after.clears', { name, what });
  return m.t('desk.after.blocked', { name, what, blockers: blockerList(after.blocking, m) });
}

/** ca-auth-strength-loop ("Passkey pilot: …"); tap-expired */
export function blockerList(blocking: Blocker[], m: Messages = english()): string {
  // In words (the finding's title), never the engine's code: agents and requesters read these lines.
  return blocking
    .map((b) =>
      b.policyNames.length > 0
        ? m.t('desk.blocker', { title: findingCopy(b.code, m).title, policies: b.policyNames.map((name) => m.t('desk.quoted', { name })).join(', ') })
        : findingCopy(b.code, m).title,
    )
    .join('; ');
}
