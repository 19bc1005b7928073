// Free text → what the user told us: symptoms, device hints, and the error page's ids.
// Users paste error pages verbatim, so the patterns follow Microsoft's own wording.
// Every pattern is linear in the text: no two unbounded quantifiers over overlapping characters
// next to each other (`\s*[:=]?\s*` backtracked quadratically on a run of spaces), no nested
// quantifiers. Callers bound the text too (see text.ts), but nothing here relies on it.
//
// Languages: English, German, French, Spanish, Japanese and Brazilian Portuguese. Everything runs
// on fold(text) (NFKC, lower case, Latin accents dropped: see language.ts), so the localized
// words below are written folded ("hinzufugen", "cle d'acces"). Japanese has no word boundaries:
// its terms are matched as they stand. Gaps between two words are bounded ([^.\n]{0,40}).
// The product words are Microsoft's own (learn.microsoft.com localized Graph/Entra pages):
//   Temporary Access Pass: de "Befristeter/Temporärer Zugriffspass" (de-de temporaryAccessPassAuthenticationMethod),
//   fr "passe d'accès temporaire" / "pass d'accès temporaire" (fr-fr, same page, v1.0 and beta), es "pase de acceso
//   temporal" (es-es), ja "一時アクセス パス" (ja-jp), pt-BR "Passe de Acesso Temporário" (pt-br
//   authentication-post-temporaryaccesspassmethods). Passkey: "Passkey" (de), "clé d'accès" (fr), "clave de
//   acceso" (es), "パスキー" (ja), "chave de acesso" (pt-BR); Microsoft's German pages mostly keep "Passkey",
//   Windows says "Hauptschlüssel": both are read. Conditional Access: "bedingter Zugriff", "accès conditionnel",
//   "acceso condicional", "条件付きアクセス", "acesso condicional".

import { fold } from './language';
import { GREETINGS } from './text';

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

/** Names of the Temporary Access Pass, folded (sources in the header). */
const TAP = String.raw`\btap\b|temporary access pass|(?:befristete[rnm]?|temporare[rnm]?) zugriffspass|zugriffspass|\bpasse? d'acces temporaire|pase de acceso temporal|passe de acesso temporario|一時(?:的な)?アクセス ?パス`;
/** "Passkey" in each language, folded. */
const PASSKEY = String.raw`passkey|hauptschlussel|cle d'acces|clave de acceso|chave de acesso|パスキー`;
/** Expired, no longer or not yet valid. */
const EXPIRED = String.raw`expired|no longer valid|not (?:yet )?valid|abgelaufen|nicht mehr gultig|noch nicht gultig|ungultig|\bexpiree?\b|n'est plus valide|pas encore valide|caducad|expirad|vencid|ya no es valido|(?:todavia|aun) no es valido|expirou|nao e mais valido|ainda nao e valido|期限切れ|期限が切れ|有効期限が切れ|まだ有効ではありません|無効`;
/** "Again and again", "all the time", "keeps asking". */
const AGAIN = String.raw`immer wieder|standig|dauernd|wieder und wieder|sans cesse|encore et encore|a chaque fois|en boucle|una y otra vez|constantemente|todo el tiempo|sin parar|sem parar|toda hora|o tempo todo|repetidamente|de novo|novamente|何度も|繰り返し|毎回|ずっと`;
const ANOTHER_DEVICE = String.raw`another device|(?:einem )?anderen gerat|autre appareil|otro dispositivo|outro dispositivo|別のデバイス|他のデバイス`;
const QR = String.raw`qr[- ]?code|code qr|codigo qr|qr ?コード`;

const PATTERNS: [Symptom, RegExp][] = [
  [
    'blocked-by-policy',
    new RegExp(
      [
        String.raw`can.?t get there from here|aadsts53003|blocked by conditional access`,
        String.raw`durch (?:den |eine )?(?:richtlinien? fur )?bedingten? zugriff[^.\n]{0,20}blockiert|bloque par (?:l'|une strategie d')?acces conditionnel`,
        String.raw`bloquead[oa] por (?:el |la directiva de |una directiva de )?acceso condicional|bloquead[oa] pel[oa] (?:politica de )?acesso condicional|条件付きアクセス[^。\n]{0,30}ブロック`,
      ].join('|'),
      'i',
    ),
  ],
  [
    'passkey-loop',
    new RegExp(
      [
        String.raw`required to sign[- ]?in with (your|a) passkey|doesn.?t support it|\bloop|keeps? asking (me )?for (a|my) passkey|asks? for (a|the) passkey`,
        String.raw`\b(?:endlos)?schleife|\bboucle\b|\bbucle\b|ループ`,
        String.raw`(?:${AGAIN})[^.\n]{0,40}(?:${PASSKEY})|(?:${PASSKEY})[^.\n]{0,40}(?:${AGAIN})`,
      ].join('|'),
      'i',
    ),
  ],
  [
    'device-not-compliant',
    new RegExp(
      String.raw`aadsts5300[01]\b|not compliant|device (is )?not (managed|registered|joined)|nicht konform|nicht richtlinienkonform|non conforme|no (?:es )?conforme|no cumple|nao esta em conformidade|nao (?:e )?compativel|準拠していません|準拠していない|非準拠`,
      'i',
    ),
  ],
  [
    'approved-app-required',
    new RegExp(
      String.raw`aadsts53002|aadsts53009|approved (client )?app|app protection|genehmigte (?:client-?)?app|app-schutz|application (?:cliente )?approuvee|protection (?:des |d'|de l')?applications?|aplicacion (?:cliente )?aprobada|proteccion de (?:aplicaciones|la aplicacion)|aplicativo (?:cliente )?aprovado|protecao de aplicativos?|承認され?た?(?:クライアント ?)?アプリ|承認済みの?アプリ|アプリ(?:の)?保護`,
      'i',
    ),
  ],
  [
    'register-security-info-blocked',
    new RegExp(String.raw`aadsts53004|register security info|security info|sicherheitsinformationen|informations de securite|informacion de seguridad|informacoes de seguranca|セキュリティ情報`, 'i'),
  ],
  [
    'tap-blocked-by-policy',
    new RegExp(
      String.raw`temporary access pass sign[- ]?in was blocked|user credential policy|(?:zugriffspass|\bpasse? d'acces temporaire|pase de acceso temporal|passe de acesso temporario)[^.\n]{0,40}(?:blockiert|gesperrt|bloque|bloquead)|一時(?:的な)?アクセス ?パス[^。\n]{0,30}ブロック`,
      'i',
    ),
  ],
  ['tap-expired', new RegExp(String.raw`(?:${TAP}|\bpass\b)[^.\n]{0,30}(?:${EXPIRED})|(?:${EXPIRED})[^.\n]{0,30}(?:${TAP})`, 'i')],
  [
    'passkey-already-exists',
    new RegExp(
      String.raw`passkey already exists|already (have|has) a passkey|already registered|(?:${PASSKEY})[^.\n]{0,30}(?:bereits|schon) (?:vorhanden|registriert)|(?:${PASSKEY})[^.\n]{0,30}existiert bereits|(?:bereits|schon) (?:einen|ein) (?:passkey|hauptschlussel)|existe deja|deja (?:une )?cle d'acces|ya existe|ya tengo una clave|ja existe|ja tenho uma chave|既に存在|すでに存在|既に登録|すでに登録`,
      'i',
    ),
  ],
  ['not-allowed-error', /NotAllowedError|operation either timed out or was not allowed/i],
  [
    'work-profile',
    new RegExp(String.raw`work profile|personal profile|work side|personal side|arbeitsprofil|(?:privaten?|personlichen?|geschaftlichen?) profil|profil (?:professionnel|personnel)|perfil (?:de trabajo|personal|de trabalho|pessoal)|(?:仕事用|業務用|個人用) ?プロファイル`, 'i'),
  ],
  ['bluetooth', new RegExp(String.raw`bluetooth|${QR}|${ANOTHER_DEVICE}|cross[- ]device|hybrid`, 'i')],
  [
    'provider-setup',
    new RegExp(
      String.raw`passkey provider|autofill|password options|passwords & accounts|passwords and accounts|additional providers|passkey-anbieter|automatisch ausfullen|passwortoptionen|passworter (?:und|&) accounts|weitere anbieter|fournisseur de cles d'acces|remplissage automatique|options des? mots de passe|proveedor de claves de acceso|autocompletar|autorrellenar|opciones de contrasena|provedor de chaves de acesso|preenchimento automatico|opcoes de senha|自動入力|パスキー ?プロバイダー|パスワード ?オプション`,
      'i',
    ),
  ],
  ['help', new RegExp(String.raw`^\s*[¡¿]?(?:${GREETINGS}|start|\?)[\s.!。]*$`, 'i')],
];

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

// The sign-in error page's "Troubleshooting details" / "More details" labels, folded, in each language.
// English is Microsoft's; the others are the labels of login.microsoftonline.com in those display
// languages as users paste them. Not verified against a Microsoft page (none in the references
// searched shows the localized page): de "Anforderungs-ID", "Korrelations-ID", "Zeitstempel",
// "Fehlercode"; fr "ID de la demande", "ID de corrélation", "Horodatage", "Code d'erreur"; es "Id.
// de solicitud", "Id. de correlación", "Marca de tiempo", "Código de error"; ja "要求 ID", "相関 ID",
// "タイムスタンプ", "エラー コード"; pt-BR "ID da Solicitação", "ID de Correlação", "Carimbo de
// data/hora", "Código de erro". Variants with or without "de la", "Id." and spaces are read too.
const LABEL_SEP = '[\\s:=：]*';
const REQUEST_ID = String.raw`request\s*id|anforderungs-?\s?id|id\.? de (?:la )?(?:demande|requete|solicitud)|id\.? d[ae] solicitacao|(?:要求|リクエスト) ?id|trace\s*id`;
const CORRELATION_ID = String.raw`correlation\s*id|korrelations-?\s?id|id\.? de correlation|id\.? de correlacion|id\.? de correlacao|相関 ?id`;
const TIMESTAMP = String.raw`timestamp|zeitstempel|horodatage|marca de (?:tiempo|hora)|carimbo de data(?:/| e )hora|タイムスタンプ`;
const ERROR_CODE = String.raw`error\s*code|fehlercode|code d'erreur|codigo de error|codigo de erro|エラー ?コード`;

const REQUEST_ID_RE = new RegExp(`(?:${REQUEST_ID})${LABEL_SEP}(${GUID})`, 'i');
const CORRELATION_ID_RE = new RegExp(`(?:${CORRELATION_ID})${LABEL_SEP}(${GUID})`, 'i');
const TIMESTAMP_RE = new RegExp(String.raw`(?:${TIMESTAMP})${LABEL_SEP}(\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}:\d{2}(?:\.\d+)?z?)`, 'i');
const ERROR_CODE_RE = new RegExp(String.raw`(?:${ERROR_CODE})${LABEL_SEP}(?:aadsts)?(\d{5,6})\b`, 'gi');

/** "Android 14", "iOS 17", "Android-Version 14", "Android バージョン 14": one optional word between. */
const VERSION_RE = /\b(?:ios|android|アンドロイド)(?:[- ]?(?:version|versao|バージョン))?[\s:]*(\d{1,2})\b/i;

export function readReport(raw: string): Report {
  const text = fold(raw);
  const errorCodes = [...new Set([...(text.match(/aadsts\d{5,6}/gi) ?? []), ...[...text.matchAll(ERROR_CODE_RE)].map((m) => `aadsts${m[1]}`)].map((c) => c.toUpperCase()))];
  // "Error Code: 53003" on the page counts as AADSTS53003 for the symptoms too.
  const read = errorCodes.length ? `${text}\n${errorCodes.join(' ').toLowerCase()}` : text;
  const symptoms = PATTERNS.filter(([, re]) => re.test(read)).map(([s]) => s);
  const report: Report = { symptoms, errorCodes };

  if (/\b(iphone|ipad|ios)\b|アイフォン/i.test(text)) report.platform = 'iOS';
  else if (/\b(android|pixel|galaxy|samsung|oneplus|xiaomi|motorola)\b|アンドロイド/i.test(text)) report.platform = 'android';
  const version = VERSION_RE.exec(text);
  if (version) report.osVersion = Number(version[1]);

  if (
    /\b(in|from|on|using) (my|the) work profile|work side\b|\b(?:im|in meinem|aus dem|mit dem|vom) arbeitsprofil|(?:dans|depuis) (?:le|mon) profil professionnel|(?:en|desde) (?:el|mi) perfil de trabajo|(?:no|do|pelo) (?:meu )?perfil de trabalho|(?:仕事用|業務用) ?プロファイル(?:で|から|に|を)/i.test(text)
  ) {
    report.androidProfile = 'work';
  } else if (
    /\b(in|from|on|using) (my|the) personal profile|personal side\b|\b(?:im|in meinem|aus dem|mit dem|vom) (?:privaten|personlichen) profil|(?:dans|depuis) (?:le|mon) profil personnel|(?:en|desde) (?:el|mi) perfil personal|(?:no|do|pelo) (?:meu )?perfil pessoal|個人用 ?プロファイル(?:で|から|に|を)/i.test(text)
  ) {
    report.androidProfile = 'personal';
  }
  if (new RegExp(String.raw`${QR}|${ANOTHER_DEVICE}|my (laptop|computer|pc|mac)|cross[- ]device|hybrid|(?:meinem|am|dem|meinen) (?:laptop|computer|pc|rechner|mac)\b|(?:mon|l') ?(?:ordinateur|pc|mac)\b|(?:mi|el) (?:ordenador|computadora|portatil|laptop|pc|mac)\b|(?:meu|no) (?:computador|notebook|laptop|pc|mac)\b|パソコン`, 'i').test(text)) {
    report.crossDevice = true;
  } else if (
    /on the phone itself|on (my|the) phone|same device|in (the )?authenticator app|(?:auf|am) (?:dem|meinem) (?:handy|telefon|smartphone)|direkt auf dem|(?:gleichen|selben) gerat|in der authenticator-app|sur (?:mon|le) (?:telephone|smartphone)|meme appareil|dans l'application authenticator|en (?:mi|el) (?:telefono|movil|celular)|mismo dispositivo|en la aplicacion authenticator|no (?:meu )?(?:celular|telefone|smartphone)|mesmo dispositivo|no aplicativo authenticator|(?:スマホ|スマートフォン|携帯|電話)(?:で|上|本体)|同じデバイス|authenticator ?アプリ(?:で|内)/i.test(
      text,
    )
  ) {
    report.crossDevice = false;
  }

  // Bounded gaps ({0,40}) between the two words: linear. The "not blocked" forms are tried first.
  if (
    /\bbluetooth\b[^.\n]{0,40}(?:\b(?:not (?:blocked|restricted|disabled)|works|is on|is allowed)\b|funktioniert|ist an\b|ist erlaubt|nicht (?:blockiert|gesperrt|deaktiviert)|fonctionne|marche|n'est pas bloque|est active|funciona|no esta bloquead|esta activad|nao esta bloquead|esta ativad|使える|使用できます|ブロックされていない|有効|問題ない)/i.test(
      text,
    )
  ) {
    report.bluetoothRestricted = false;
  } else if (
    /\bbluetooth\b[^.\n]{0,40}(?:\b(?:blocked|restricted|disabled|not allowed|forbidden|locked)\b|blockiert|gesperrt|deaktiviert|eingeschrankt|nicht erlaubt|verboten|bloque|desactive|restreint|interdit|non autorise|pas autorise|bloquead|desactivad|restringid|prohibid|no (?:esta )?permitid|desativad|restrit|proibid|nao (?:e )?permitid|ブロック|無効|禁止|制限|使えない|使用できない)|\b(?:blocked|restricted|disabled|no|kein|pas de|sin|sem)\b[^.\n]{0,20}\bbluetooth\b/i.test(
      text,
    )
  ) {
    report.bluetoothRestricted = true;
  }

  const requestId = REQUEST_ID_RE.exec(text);
  if (requestId) report.requestId = requestId[1];
  const correlationId = CORRELATION_ID_RE.exec(text);
  if (correlationId) report.correlationId = correlationId[1];
  const timestamp = TIMESTAMP_RE.exec(text);
  if (timestamp) report.errorTimestamp = timestamp[1].toUpperCase();
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
