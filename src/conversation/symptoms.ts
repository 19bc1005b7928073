// Free text → what the user told us: symptoms, device hints, and the error page's ids.
// Users paste error pages verbatim, so the patterns follow Microsoft's own wording.
// Every pattern is linear in the text: no two unbounded quantifiers over overlapping characters
// next to each other (`\s*[:=]?\s*` backtracked quadratically on a run of spaces), no nested
// quantifiers. Callers bound the text too (see text.ts), but nothing here relies on it.

export type Symptom =
  | 'blocked-by-policy' // "You can't get there from here", AADSTS53003
  | 'passkey-loop' // "you are required to sign-in with your passkey ... this app doesn't support it", loops
  | 'device-not-compliant' // AADSTS53000, 53001
  | 'approved-app-required' // AADSTS53002, 53009, "approved app", app protection
  | 'register-security-info-blocked' // AADSTS53004
  | 'tap-blocked-by-policy' // "Temporary Access Pass sign in was blocked due to User Credential Policy"
  | 'tap-expired'
  | 'passkey-already-exists'
  | 'not-allowed-error'
  | 'work-profile'
  | 'bluetooth'
  | 'provider-setup'
  | 'help';

export interface Report {
  symptoms: Symptom[];
  errorCodes: string[];
  platform?: 'android' | 'iOS';
  osVersion?: number;
  androidProfile?: 'work' | 'personal';
  crossDevice?: boolean;
  /** "Bluetooth is blocked by IT": the organisation restricts Bluetooth (true), or it works (false). */
  bluetoothRestricted?: boolean;
  requestId?: string;
  correlationId?: string;
  errorTimestamp?: string;
}

const PATTERNS: [Symptom, RegExp][] = [
  ['blocked-by-policy', /can.?t get there from here|AADSTS53003|blocked by conditional access/i],
  ['passkey-loop', /required to sign[- ]?in with (your|a) passkey|doesn.?t support it|\bloop|keeps? asking (me )?for (a|my) passkey|asks? for (a|the) passkey/i],
  ['device-not-compliant', /AADSTS5300[01]\b|not compliant|device (is )?not (managed|registered|joined)/i],
  ['approved-app-required', /AADSTS53002|AADSTS53009|approved (client )?app|app protection/i],
  ['register-security-info-blocked', /AADSTS53004|register security info|security info/i],
  ['tap-blocked-by-policy', /Temporary Access Pass sign[- ]?in was blocked|User Credential Policy/i],
  ['tap-expired', /\b(TAP|temporary access pass|pass)\b.{0,20}\b(expired|no longer valid|not valid)|expired.{0,20}\b(TAP|temporary access pass)/i],
  ['passkey-already-exists', /passkey already exists|already (have|has) a passkey|already registered/i],
  ['not-allowed-error', /NotAllowedError|operation either timed out or was not allowed/i],
  ['work-profile', /work profile|personal profile|work side|personal side/i],
  ['bluetooth', /bluetooth|QR code|another device|cross[- ]device|hybrid/i],
  ['provider-setup', /passkey provider|autofill|password options|passwords & accounts|passwords and accounts|additional providers/i],
  ['help', /^\s*(?:help|hi|hello|hey|start|menu|\?)[\s.!]*$/i],
];

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export function readReport(text: string): Report {
  const symptoms = PATTERNS.filter(([, re]) => re.test(text)).map(([s]) => s);
  const errorCodes = [...new Set((text.match(/AADSTS\d{5,6}/gi) ?? []).map((c) => c.toUpperCase()))];
  const report: Report = { symptoms, errorCodes };

  if (/\b(iphone|ipad|ios)\b/i.test(text)) report.platform = 'iOS';
  else if (/\b(android|pixel|galaxy|samsung|oneplus|xiaomi|motorola)\b/i.test(text)) report.platform = 'android';
  const version = /\b(?:ios|android)\s*(\d{1,2})\b/i.exec(text);
  if (version) report.osVersion = Number(version[1]);

  if (/\b(in|from|on|using) (my|the) work profile|work side\b/i.test(text)) report.androidProfile = 'work';
  else if (/\b(in|from|on|using) (my|the) personal profile|personal side\b/i.test(text)) report.androidProfile = 'personal';
  if (/QR code|another device|my (laptop|computer|pc|mac)|cross[- ]device|hybrid/i.test(text)) report.crossDevice = true;
  else if (/on the phone itself|on (my|the) phone|same device|in (the )?authenticator app/i.test(text)) report.crossDevice = false;

  // Bounded gaps ({0,40}) between the two words: linear.
  if (/\bbluetooth\b[^.\n]{0,40}\b(?:not (?:blocked|restricted|disabled)|works|is on|is allowed)\b/i.test(text)) report.bluetoothRestricted = false;
  else if (/\bbluetooth\b[^.\n]{0,40}\b(?:blocked|restricted|disabled|not allowed|forbidden|locked)\b|\b(?:blocked|restricted|disabled|no)\b[^.\n]{0,20}\bbluetooth\b/i.test(text)) {
    report.bluetoothRestricted = true;
  }

  const requestId = new RegExp(`request\\s*id[\\s:=]*(${GUID})`, 'i').exec(text);
  if (requestId) report.requestId = requestId[1].toLowerCase();
  const correlationId = new RegExp(`correlation\\s*id[\\s:=]*(${GUID})`, 'i').exec(text);
  if (correlationId) report.correlationId = correlationId[1].toLowerCase();
  const timestamp = /timestamp[\s:=]*(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?Z?)/i.exec(text);
  if (timestamp) report.errorTimestamp = timestamp[1];
  return report;
}

/** Merge what a new message adds to what we already know (new facts win). */
export function mergeReports(a: Report, b: Report): Report {
  return {
    ...a,
    ...Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)),
    symptoms: [...new Set([...a.symptoms, ...b.symptoms])],
    errorCodes: [...new Set([...a.errorCodes, ...b.errorCodes])],
  };
}

export const EMPTY_REPORT: Report = { symptoms: [], errorCodes: [] };
