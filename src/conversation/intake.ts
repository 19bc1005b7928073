// The intake: what we still need to know about the attempt before diagnosing, asked one card
// question at a time, and never more than needed. Pure: state in, state out.
import type { RegistrationContext } from '../diagnosis';
import type { TranscriptEntry } from '../tickets/ticket';
import { EMPTY_REPORT, mergeReports, readReport, type Report } from './symptoms';
import { fold } from './language';
import { head, userText } from './text';
import { english, type Messages } from '../i18n';

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
  transcript: TranscriptEntry[];
}

export function newIntake(session: string): IntakeState {
  return { session, report: EMPTY_REPORT, answers: {}, transcript: [] };
}

/**
 * What the user typed or pasted. `text` is cleaned and bounded here (userText); a caller that
 * already bounded it passes `trimmedFrom`, the length of the whole message. The transcript (and
 * so the help-desk ticket) keeps at most TRANSCRIPT_LINE_CHARS of it, and says when it kept less.
 * A reply that is the title of a button on the question on screen, as the employee reads it (`m`)
 * or in English, is that button's answer.
 */
export function addText(state: IntakeState, text: string, trimmedFrom?: number, m: Messages = english()): IntakeState {
  const input = userText(text);
  const kept = head(input.text, TRANSCRIPT_LINE_CHARS);
  const line: TranscriptEntry =
    trimmedFrom !== undefined || input.trimmed || kept.length < input.text.length ? { said: kept, trimmedFrom: trimmedFrom ?? input.length } : { said: kept };
  // A typed reply to the question on screen ("14", "not sure, 14 maybe", "Bluetooth is blocked by IT") answers it.
  const pending = nextQuestion(state, m);
  let next: IntakeState = { ...state, report: mergeReports(state.report, readReport(input.text)), transcript: [...state.transcript, line].slice(-TRANSCRIPT_LINES) };
  if (pending && needed(next, pending.id)) {
    // A button's title typed back is that button (exact, so it goes first); otherwise the reply's words.
    const typed = buttonTitle(input.text, pending, nextQuestion(state)) ?? typedAnswer(pending, input.text, platformOf(next));
    if (typed?.osVersion !== undefined) next = { ...next, report: { ...next.report, osVersion: typed.osVersion } };
    else if (typed?.value !== undefined) next = { ...next, answers: { ...next.answers, [pending.id]: typed.value } };
  }
  return next;
}

/**
 * A reply that is one of the question's button titles, typed (or pasted) back: in the employee's
 * language or in English, compared folded, without the trailing full stop people add.
 */
function buttonTitle(text: string, ...asked: (Question | null)[]): { value?: string; osVersion?: number } | undefined {
  const t = fold(text.trim()).replace(/[.!。]+$/, '').trim();
  if (t === '' || t.length > TYPED_ANSWER_CHARS) return undefined;
  for (const q of asked) {
    const choice = q?.choices.find((c) => fold(c.title) === t);
    if (choice) return { value: choice.value };
  }
  return undefined;
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

/**
 * The questions in the employee's language (`m`). Their ids and choice values are the same in
 * every language; only the words differ.
 */
function questions(s: IntakeState, m: Messages): Question[] {
  const platform = platformOf(s);
  const all: Question[] = [
    {
      id: 'platform',
      title: m.t('intake.platform.title'),
      text: m.t('intake.platform.text'),
      choices: [
        { title: m.t('intake.platform.android'), value: 'android' },
        { title: m.t('intake.platform.iOS'), value: 'iOS' },
      ],
    },
    {
      id: 'osVersion',
      title: m.t('intake.osVersion.title'),
      text: platform === 'iOS' ? m.t('intake.osVersion.textIOS') : m.t('intake.osVersion.textAndroid'),
      choices:
        platform === 'iOS'
          ? [
              { title: m.t('intake.osVersion.iOSOlder'), value: '16' },
              { title: m.t('intake.osVersion.iOS17'), value: '17' },
              { title: m.t('intake.osVersion.iOSNewer'), value: '18' },
              { title: m.t('intake.osVersion.unknown'), value: 'unknown' },
            ]
          : [
              { title: m.t('intake.osVersion.androidOlder'), value: '13' },
              { title: m.t('intake.osVersion.android14'), value: '14' },
              { title: m.t('intake.osVersion.androidNewer'), value: '15' },
              { title: m.t('intake.osVersion.unknown'), value: 'unknown' },
            ],
    },
    {
      id: 'where',
      title: m.t('intake.where.title'),
      text: m.t('intake.where.text'),
      choices: [
        { title: m.t('intake.where.sameDevice'), value: 'same-device' },
        { title: m.t('intake.where.crossDevice'), value: 'cross-device' },
      ],
    },
    {
      id: 'androidProfile',
      title: m.t('intake.androidProfile.title'),
      text: m.t('intake.androidProfile.text'),
      choices: [
        { title: m.t('intake.androidProfile.work'), value: 'work' },
        { title: m.t('intake.androidProfile.personal'), value: 'personal' },
        { title: m.t('intake.androidProfile.none'), value: 'none' },
      ],
    },
    {
      id: 'passkeyProfile',
      title: m.t('intake.passkeyProfile.title'),
      text: m.t('intake.passkeyProfile.text'),
      choices: [
        { title: m.t('intake.passkeyProfile.work'), value: 'work' },
        { title: m.t('intake.passkeyProfile.personal'), value: 'personal' },
        { title: m.t('intake.passkeyProfile.none'), value: 'none' },
      ],
    },
    {
      id: 'bluetooth',
      title: m.t('intake.bluetooth.title'),
      text: m.t('intake.bluetooth.text'),
      choices: [
        { title: m.t('intake.bluetooth.restricted'), value: 'restricted' },
        { title: m.t('intake.bluetooth.allowed'), value: 'allowed' },
        { title: m.t('intake.bluetooth.unknown'), value: 'unknown' },
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

/** The next question to ask, in the employee's language (English by default). */
export function nextQuestion(s: IntakeState, m: Messages = english()): Question | null {
  return questions(s, m).find((q) => needed(s, q.id)) ?? null;
}

/**
 * Records an answer from a question card; returns an error message, in the employee's language
 * (`m`), for a value not offered. The transcript keeps the question's id and the choice's value.
 */
export function answer(s: IntakeState, id: string, value: unknown, m: Messages = english()): { state: IntakeState } | { error: string } {
  const q = questions(s, english()).find((x) => x.id === id);
  if (!q) return { error: m.t('intake.unknownQuestion', { question: head(String(id), 40) }) };
  const choice = q.choices.find((c) => c.value === value);
  if (!choice) return { error: m.t('intake.notAnAnswer', { value: head(String(value), 40), question: questions(s, m).find((x) => x.id === id)!.title }) };
  return {
    state: { ...s, answers: { ...s.answers, [q.id]: choice.value }, transcript: [...s.transcript, { answered: q.id, value: choice.value }].slice(-TRANSCRIPT_LINES) },
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
