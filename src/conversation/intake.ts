// The intake: what we still need to know about the attempt before diagnosing, asked one card
// question at a time, and never more than needed. Pure: state in, state out.
import type { RegistrationContext } from '../diagnosis';
import { EMPTY_REPORT, mergeReports, readReport, type Report } from './symptoms';
import { fold } from './language';
import { head, userText } from './text';

/** The longest message the transcript (and so the help-desk ticket) keeps; 30 of them at most. */
export const TRANSCRIPT_LINE_CHARS = 4000;
const TRANSCRIPT_LINES = 30;

export type QuestionId = 'platform' | 'osVersion' | 'where' | 'androidProfile' | 'passkeyProfile' | 'bluetooth';

export interface Choice {
  title: string;
  value: string;
}
export interface Question {
  id: QuestionId;
  title: string;
  text: string;
  choices: Choice[];
}

export interface IntakeState {
  /** Changes on "Start over": submits from older cards carry an older session and are refused. */
  session: string;
  report: Report;
  /** Answers the user gave on question cards (values are validated choices). */
  answers: Partial<Record<QuestionId, string>>;
  /** What the user said or did so far, for the help-desk ticket. */
  transcript: string[];
}

export function newIntake(session: string): IntakeState {
  return { session, report: EMPTY_REPORT, answers: {}, transcript: [] };
}

/**
 * What the user typed or pasted. `text` is cleaned and bounded here (userText); a caller that
 * already bounded it passes `trimmedFrom`, the length of the whole message. The transcript (and
 * so the help-desk ticket) keeps at most TRANSCRIPT_LINE_CHARS of it, and says when it kept less.
 */
export function addText(state: IntakeState, text: string, trimmedFrom?: number): IntakeState {
  const input = userText(text);
  const kept = head(input.text, TRANSCRIPT_LINE_CHARS);
  const line =
    trimmedFrom !== undefined || input.trimmed || kept.length < input.text.length
      ? `said: ${kept} … (trimmed: the message had ${(trimmedFrom ?? input.length).toLocaleString('en-US')} characters)`
      : `said: ${kept}`;
  // A typed reply to the question on screen ("14", "not sure, 14 maybe", "Bluetooth is blocked by IT") answers it.
  const pending = nextQuestion(state);
  let next: IntakeState = { ...state, report: mergeReports(state.report, readReport(input.text)), transcript: [...state.transcript, line].slice(-TRANSCRIPT_LINES) };
  if (pending && needed(next, pending.id)) {
    const typed = typedAnswer(pending, input.text, platformOf(next));
    if (typed?.osVersion !== undefined) next = { ...next, report: { ...next.report, osVersion: typed.osVersion } };
    else if (typed?.value !== undefined) next = { ...next, answers: { ...next.answers, [pending.id]: typed.value } };
  }
  return next;
}

/** Replies longer than this are descriptions or pasted error pages, not answers to a question. */
const TYPED_ANSWER_CHARS = 80;

/**
 * A typed reply read as an answer to `q`: an OS version as a number (the exact version, not the
 * nearest button), or one of the question's choice values. Undefined when it does not answer it.
 * Every pattern is linear.
 */
export function typedAnswer(q: Question, text: string, platform: 'android' | 'iOS' | undefined): { value?: string; osVersion?: number } | undefined {
  const t = fold(text.trim());
  if (t === '' || t.length > TYPED_ANSWER_CHARS) return undefined;
  const unsure = UNSURE.test(t);
  const choice = (value: string) => (q.choices.some((c) => c.value === value) ? { value } : undefined);
  switch (q.id) {
    case 'platform':
      return /\b(?:iphone|ipad|ios|apple)\b|アイフォン/.test(t) ? choice('iOS') : /\b(?:android|pixel|galaxy|samsung)\b|アンドロイド/.test(t) ? choice('android') : undefined;
    case 'osVersion': {
      // "14", "Version 14", "Android 15", "not sure, 14 maybe", "17.5": the first number that can be a version.
      const [min, max] = platform === 'iOS' ? [9, 40] : [4, 40];
      for (const m of t.matchAll(/\b(\d{1,2})(?:\.\d{1,2})*\b/g)) {
        const n = Number(m[1]);
        if (n >= min && n <= max) return { osVersion: n };
      }
      return unsure ? choice('unknown') : undefined;
    }
    case 'where':
      if (COMPUTER.test(t)) return choice('cross-device');
      return PHONE.test(t) ? choice('same-device') : undefined;
    case 'androidProfile':
      if (NO_WORK_PROFILE.test(t)) return choice('none');
      if (WORK.test(t)) return choice('work');
      if (PERSONAL.test(t)) return choice('personal');
      return unsure || NO.test(t) ? choice('none') : undefined;
    case 'passkeyProfile':
      if (NOT_YET.test(t)) return choice('none');
      if (WORK.test(t)) return choice('work');
      return PERSONAL.test(t) ? choice('personal') : undefined;
    case 'bluetooth':
      if (BT_NOT_BLOCKED.test(t)) return choice(/not allowed|nicht erlaubt|non autorise|pas autorise|no (?:esta )?permitid|nao (?:e )?permitid/.test(t) ? 'restricted' : 'allowed');
      if (BT_BLOCKED.test(t)) return choice('restricted');
      if (BT_WORKS.test(t) || NO.test(t)) return choice('allowed');
      if (YES.test(t)) return choice('restricted');
      return unsure ? choice('unknown') : undefined;
  }
}

// Typed answers in English, German, French, Spanish, Japanese and Brazilian Portuguese, folded
// (see language.ts: lower case, no accents). Japanese has no word boundaries. Every pattern is
// alternations of words: linear.
const UNSURE = /\b(?:not sure|no idea|don.?t know|dunno|unsure|not certain|nicht sicher|keine ahnung|weiss (?:ich )?nicht|je ne sais pas|sais pas|aucune idee|pas sur|no se|ni idea|no estoy segur[oa]|nao sei|nao tenho certeza|sei la)\b|わからない|分からない|わかりません|分かりません|不明/;
const COMPUTER =
  /\b(?:computer|laptop|pc|mac|desktop|qr|browser|another device|rechner|anderen gerat|ordinateur|navigateur|autre appareil|ordenador|computadora|navegador|otro dispositivo|computador|notebook|outro dispositivo)\b|パソコン|ブラウザ|別のデバイス|qr/;
const PHONE =
  /\b(?:phone|authenticator|app|same device|mobile|handy|telefon|smartphone|gleichen gerat|telephone|appli|application|meme appareil|telefono|movil|celular|aplicacion|mismo dispositivo|telefone|aplicativo|mesmo dispositivo)\b|スマホ|スマートフォン|携帯|電話|アプリ|同じデバイス/;
const WORK = /\b(?:work|arbeit|arbeitsprofil|geschaftlich|dienstlich|professionnel|pro|trabajo|trabalho)\b|仕事|業務/;
const PERSONAL = /\b(?:personal|privat|privaten|personlich|personlichen|personnel|pessoal)\b|個人/;
const NO_WORK_PROFILE = /^(?:no|kein|keine|pas de|aucun|sans|sin|sem|nao tenho)\b[^.\n]{0,20}\b(?:work|arbeitsprofil|profil pro|perfil de trabajo|perfil de trabalho)|(?:仕事用|業務用)?プロファイル(?:は|が)?(?:ない|ありません)/;
const NO = /^(?:no|none|nein|non|nao|nenhum|ninguno)\b|^(?:いいえ|ない|なし)/;
const YES = /^(?:yes|ja|oui|si|sim)\b|^はい/;
const NOT_YET =
  /\b(?:haven.?t|have not|not yet|none|never|no passkey|noch nicht|noch keinen|nie|pas encore|jamais|aucune|todavia no|aun no|nunca|ainda nao|nenhuma)\b|まだ|作成していない|ありません/;
const BT_NOT_BLOCKED = /\b(?:not (?:blocked|restricted|disabled|allowed)|nicht (?:blockiert|gesperrt|deaktiviert|eingeschrankt|erlaubt)|n'est pas bloque|non autorise|pas autorise|no esta bloquead[oa]|no (?:esta )?permitid[oa]|nao esta bloquead[oa]|nao (?:e )?permitid[oa])\b|ブロックされていない|ブロックされていません/;
const BT_BLOCKED =
  /\b(?:block|blocked|blocks|restrict|restricted|restricts|disabled|forbidden|locked|policy|blockiert|gesperrt|deaktiviert|eingeschrankt|verboten|richtlinie|bloque|desactive|restreint|interdit|strategie|bloquead[oa]|desactivad[oa]|restringid[oa]|prohibid[oa]|directiva|politica|desativad[oa]|restrit[oa]|proibid[oa])\b|ブロック|無効|禁止|制限|使えない/;
const BT_WORKS = /\b(?:works|working|is on|allowed|enabled|fine|funktioniert|geht|erlaubt|fonctionne|marche|funciona|activad[oa]|ativad[oa])\b|使える|使えます|有効|問題ない|大丈夫/;

const platformOf = (s: IntakeState) => (s.answers.platform as 'android' | 'iOS' | undefined) ?? s.report.platform;

function questions(s: IntakeState): Question[] {
  const platform = platformOf(s);
  const all: Question[] = [
    {
      id: 'platform',
      title: 'Which phone are you adding the passkey on?',
      text: 'Passkeys in Microsoft Authenticator work a little differently on each.',
      choices: [
        { title: 'Android', value: 'android' },
        { title: 'iPhone (iOS)', value: 'iOS' },
      ],
    },
    {
      id: 'osVersion',
      title: 'Which version is the phone on?',
      text:
        platform === 'iOS'
          ? 'On the iPhone: Settings > General > About > iOS Version.'
          : 'On the phone: Settings > About phone > Android version.',
      choices:
        platform === 'iOS'
          ? [
              { title: 'iOS 16 or older', value: '16' },
              { title: 'iOS 17', value: '17' },
              { title: 'iOS 18 or newer', value: '18' },
              { title: "I don't know", value: 'unknown' },
            ]
          : [
              { title: 'Android 13 or older', value: '13' },
              { title: 'Android 14', value: '14' },
              { title: 'Android 15 or newer', value: '15' },
              { title: "I don't know", value: 'unknown' },
            ],
    },
    {
      id: 'where',
      title: 'Where does it fail?',
      text: 'Are you working on the phone itself, or signing in on a computer by scanning a QR code with the phone?',
      choices: [
        { title: 'On the phone, in Authenticator', value: 'same-device' },
        { title: 'On a computer, with a QR code', value: 'cross-device' },
      ],
    },
    {
      id: 'androidProfile',
      title: 'Which Android profile are you in?',
      text: 'Phones with a work profile show work apps with a briefcase badge.',
      choices: [
        { title: 'Work profile', value: 'work' },
        { title: 'Personal profile', value: 'personal' },
        { title: 'No work profile / not sure', value: 'none' },
      ],
    },
    {
      id: 'passkeyProfile',
      title: 'Where did you create your passkey?',
      text: 'A passkey only works in the Android profile where it was created.',
      choices: [
        { title: 'In the work profile', value: 'work' },
        { title: 'In the personal profile', value: 'personal' },
        { title: "I haven't created one yet", value: 'none' },
      ],
    },
    {
      id: 'bluetooth',
      title: 'Is Bluetooth turned off or restricted on that computer?',
      text: 'Signing in with a QR code needs Bluetooth on both the computer and the phone.',
      choices: [
        { title: 'Yes, my organisation restricts it', value: 'restricted' },
        { title: 'No, Bluetooth works', value: 'allowed' },
        { title: "I don't know", value: 'unknown' },
      ],
    },
  ];
  return all;
}

/** Whether a question still needs asking, given what we know. */
function needed(s: IntakeState, id: QuestionId): boolean {
  if (s.answers[id] !== undefined) return false;
  const r = s.report;
  const platform = platformOf(s);
  const crossDevice = s.answers.where ? s.answers.where === 'cross-device' : r.crossDevice;
  switch (id) {
    case 'platform':
      return !r.platform;
    case 'osVersion':
      return r.osVersion === undefined;
    case 'where':
      // A Temporary Access Pass is used in Authenticator on the phone: "my TAP expired" needs no QR-code question.
      return r.crossDevice === undefined && !r.symptoms.includes('bluetooth') && !r.symptoms.includes('tap-expired') && !r.symptoms.includes('tap-blocked-by-policy');
    case 'androidProfile':
      return platform === 'android' && !r.androidProfile && (r.symptoms.includes('work-profile') || r.symptoms.includes('not-allowed-error'));
    case 'passkeyProfile': {
      const profile = s.answers.androidProfile ?? r.androidProfile;
      return platform === 'android' && (profile === 'work' || profile === 'personal');
    }
    case 'bluetooth':
      return r.bluetoothRestricted === undefined && (crossDevice === true || r.symptoms.includes('bluetooth'));
  }
}

/** Whether the user is adding the passkey on the phone itself (true), on a computer (false), or unknown. */
export function onPhone(s: IntakeState): boolean | undefined {
  if (s.answers.where) return s.answers.where === 'same-device';
  if (s.report.crossDevice !== undefined) return !s.report.crossDevice;
  return s.report.symptoms.includes('bluetooth') ? false : undefined;
}

export function nextQuestion(s: IntakeState): Question | null {
  return questions(s).find((q) => needed(s, q.id)) ?? null;
}

/** Records an answer from a question card; returns an error message for a value not offered. */
export function answer(s: IntakeState, id: string, value: unknown): { state: IntakeState } | { error: string } {
  const q = questions(s).find((x) => x.id === id);
  if (!q) return { error: `That card asked something I no longer understand ("${head(String(id), 40)}").` };
  const choice = q.choices.find((c) => c.value === value);
  if (!choice) return { error: `"${head(String(value), 40)}" is not one of the answers to "${q.title}".` };
  return {
    state: { ...s, answers: { ...s.answers, [q.id]: choice.value }, transcript: [...s.transcript, `answered ${q.title} → ${choice.title}`].slice(-TRANSCRIPT_LINES) },
  };
}

/** The registration context for the engine, from everything the user told us. */
export function registrationContext(s: IntakeState, at: Date): RegistrationContext {
  const r = s.report;
  const a = s.answers;
  const platform = platformOf(s) ?? 'android';
  const version = a.osVersion && a.osVersion !== 'unknown' ? Number(a.osVersion) : r.osVersion;
  const profile = (v: string | undefined) => (v === 'work' || v === 'personal' ? v : undefined);
  const crossDevice = a.where ? a.where === 'cross-device' : r.crossDevice === true || r.symptoms.includes('bluetooth');
  return {
    platform,
    at,
    ...(version !== undefined ? { osVersion: version } : {}),
    ...(platform === 'android' && profile(a.androidProfile ?? r.androidProfile) ? { androidProfile: profile(a.androidProfile ?? r.androidProfile) } : {}),
    ...(platform === 'android' && profile(a.passkeyProfile) ? { passkeyProfile: profile(a.passkeyProfile) } : {}),
    ...(crossDevice ? { crossDevice: true } : {}),
    ...((a.bluetooth ? a.bluetooth === 'restricted' : r.bluetoothRestricted === true) ? { bluetoothRestricted: true } : {}),
  };
}
