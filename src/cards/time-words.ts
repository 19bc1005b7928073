// Times as the reader lives them: in their time zone, with the zone's name, never raw ISO.
// Employees read their own zone (from the Teams activity, kept with the conversation reference);
// the help desk reads HELPDESK_TIMEZONE. Unknown or invalid zones fall back to UTC, and the text
// then says "UTC". SDK-free. Every function takes the reader's Intl locale (Messages.locale;
// en-GB by default): day, month and the zone's name come from Intl in that locale ("MEZ" in German).

export const DEFAULT_TIME_ZONE = 'UTC';

/** True when Intl knows this IANA zone ("Europe/Berlin", "UTC"). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.trim() === '' || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The zone to use: the given one when Intl knows it, else UTC. */
export const zoneOr = (zone: string | undefined): string => (isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE);

const ENGLISH_LOCALE = 'en-GB';
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string, locale: string): Intl.DateTimeFormat {
  const key = `${zone} ${locale}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone: zone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(key, f);
  }
  return f;
}

interface Parts {
  date: string;
  clock: string;
  /** "09:56:29" */
  seconds: string;
  zone: string;
}

const dayMonths = new Map<string, Intl.DateTimeFormat>();
/** "27 Nov" in English; Intl's own order and words elsewhere ("27. Nov.", "11月27日"). */
function dayMonth(d: Date, zone: string, locale: string): string {
  const key = `${zone} ${locale}`;
  let f = dayMonths.get(key);
  if (!f) dayMonths.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone: zone, day: 'numeric', month: 'short' })));
  return f.format(d);
}

function parts(at: string | Date, zone: string | undefined, locale: string): Parts | undefined {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return undefined;
  const p: Record<string, string> = {};
  for (const { type, value } of formatter(zoneOr(zone), locale).formatToParts(d)) p[type] = value;
  const english = locale === ENGLISH_LOCALE;
  return {
    date: english ? `${p.day} ${p.month}` : dayMonth(d, zoneOr(zone), locale),
    clock: `${p.hour}:${p.minute}`,
    seconds: `${p.hour}:${p.minute}:${p.second}`,
    zone: english ? zoneName(d, zoneOr(zone), p.timeZoneName) : (p.timeZoneName ?? 'UTC'),
  };
}

const usNames = new Map<string, Intl.DateTimeFormat>();
/**
 * The zone's short name: en-GB knows the European ones (CET, CEST, BST); for the American ones
 * ("GMT-4" in en-GB) en-US knows EDT, PST… Where neither has a name, the offset ("GMT+9") is it.
 */
function zoneName(d: Date, zone: string, british: string | undefined): string {
  if (zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  if (british && !/^GMT[+-−]/.test(british)) return british;
  let us = usNames.get(zone);
  if (!us) usNames.set(zone, (us = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' })));
  const american = us.formatToParts(d).find((x) => x.type === 'timeZoneName')?.value;
  return american && /^[A-Z]{2,5}$/.test(american) ? american : (british ?? 'UTC');
}

/** "11:00 CET" */
export function clockTime(at: string | Date, zone?: string, locale = ENGLISH_LOCALE): string {
  const p = parts(at, zone, locale);
  return p ? `${p.clock} ${p.zone}` : String(at);
}

/** "27 Nov, 09:56 CET"; with seconds (to look a sign-in up): "27 Nov, 09:56:29 CET". */
export function dateTime(at: string | Date, zone?: string, options: { seconds?: boolean } = {}, locale = ENGLISH_LOCALE): string {
  const p = parts(at, zone, locale);
  if (!p) return String(at);
  // Other languages put date and time together their own way ("5. Okt., 16:00", "10月5日 16:00").
  const joint = locale === ENGLISH_LOCALE ? ', ' : (JOINTS[locale.slice(0, 2)] ?? ', ');
  return `${p.date}${joint}${options.seconds ? p.seconds : p.clock} ${p.zone}`;
}

/** Between the date and the time, as Intl writes a date with a time in that language. */
const JOINTS: Record<string, string> = { ja: ' ' };

/** "10:00–11:00 CET"; across a date: "27 Nov, 23:00 – 28 Nov, 01:00 CET"; across a zone change both zones are named. */
export function timeWindow(start: string | Date, end: string | Date, zone?: string, locale = ENGLISH_LOCALE): string {
  const a = parts(start, zone, locale);
  const b = parts(end, zone, locale);
  if (!a || !b) return `${String(start)}–${String(end)}`;
  if (a.date !== b.date) return a.zone === b.zone ? `${a.date}, ${a.clock} – ${b.date}, ${b.clock} ${b.zone}` : `${a.date}, ${a.clock} ${a.zone} – ${b.date}, ${b.clock} ${b.zone}`;
  return a.zone === b.zone ? `${a.clock}–${b.clock} ${b.zone}` : `${a.clock} ${a.zone}–${b.clock} ${b.zone}`;
}

/** The zone an activity names: `localTimezone`, else the clientInfo entity's `timezone`; undefined when absent or unknown to Intl. */
export function activityTimeZone(activity: { localTimezone?: unknown; entities?: unknown } | undefined): string | undefined {
  if (!activity) return undefined;
  if (isTimeZone(activity.localTimezone)) return activity.localTimezone;
  const entities = Array.isArray(activity.entities) ? (activity.entities as { type?: unknown; timezone?: unknown }[]) : [];
  const zone = entities.find((e) => e && typeof e === 'object' && e.type === 'clientInfo')?.timezone;
  return isTimeZone(zone) ? zone : undefined;
}
