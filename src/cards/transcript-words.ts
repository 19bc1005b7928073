// What the employee said and did, as the help desk reads it on the ticket card: each transcript
// entry (data, src/tickets/ticket.ts) worded from the reader's catalogue. The employee's own words
// are quoted as they wrote them; a line stored by an earlier version (a string) is shown as written.
import type { Messages } from '../i18n';
import type { TranscriptEntry } from '../tickets/ticket';
import { buttons, findingCopy } from './copy';

// The intake's questions and choices, by id and value: the same catalogue keys its question cards
// use (src/conversation/intake.ts; a test keeps the two in step).
const QUESTIONS: Readonly<Record<string, { title: string; choices: Readonly<Record<string, string>> }>> = {
  platform: { title: 'intake.platform.title', choices: { android: 'intake.platform.android', iOS: 'intake.platform.iOS' } },
  osVersion: {
    title: 'intake.osVersion.title',
    choices: {
      '16': 'intake.osVersion.iOSOlder',
      '17': 'intake.osVersion.iOS17',
      '18': 'intake.osVersion.iOSNewer',
      '13': 'intake.osVersion.androidOlder',
      '14': 'intake.osVersion.android14',
      '15': 'intake.osVersion.androidNewer',
      unknown: 'intake.osVersion.unknown',
    },
  },
  where: { title: 'intake.where.title', choices: { 'same-device': 'intake.where.sameDevice', 'cross-device': 'intake.where.crossDevice' } },
  androidProfile: {
    title: 'intake.androidProfile.title',
    choices: { work: 'intake.androidProfile.work', personal: 'intake.androidProfile.personal', none: 'intake.androidProfile.none' },
  },
  passkeyProfile: {
    title: 'intake.passkeyProfile.title',
    choices: { work: 'intake.passkeyProfile.work', personal: 'intake.passkeyProfile.personal', none: 'intake.passkeyProfile.none' },
  },
  bluetooth: {
    title: 'intake.bluetooth.title',
    choices: { restricted: 'intake.bluetooth.restricted', allowed: 'intake.bluetooth.allowed', unknown: 'intake.bluetooth.unknown' },
  },
};

/** One transcript line in the reader's language. */
export function transcriptLine(entry: TranscriptEntry, m: Messages): string {
  if (typeof entry === 'string') return entry;
  if ('said' in entry) {
    return entry.trimmedFrom === undefined
      ? m.t('ticketCard.transcript.said', { text: entry.said })
      : m.t('ticketCard.transcript.saidTrimmed', { text: entry.said, length: entry.trimmedFrom });
  }
  if ('answered' in entry) {
    const q = Object.hasOwn(QUESTIONS, entry.answered) ? QUESTIONS[entry.answered] : undefined;
    const choice = q && Object.hasOwn(q.choices, entry.value) ? q.choices[entry.value] : undefined;
    return m.t('ticketCard.transcript.answered', { question: q ? m.t(q.title) : entry.answered, answer: choice ? m.t(choice) : entry.value });
  }
  if ('diagnosed' in entry) return m.t('ticketCard.transcript.diagnosed', { findings: entry.diagnosed.map((code) => findingCopy(code, m).title).join('; ') });
  if ('fixedWithoutPasskey' in entry) return m.t('ticketCard.transcript.fixedWithoutPasskey');
  if ('followUp' in entry) return m.t('ticketCard.transcript.followUp', { text: entry.followUp });
  return m.t('ticketCard.transcript.pressedAgain', { button: buttons(m)[entry.pressedAgain] });
}
