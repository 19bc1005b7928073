// Times as the reader lives them: in their time zone, with the zone's name, never raw ISO.
// Employees read their own zone (from the Teams activity, kept with the conversation reference);
// the help desk reads HELPDESK_TIMEZONE. Unknown or invalid zones fall back to UTC, and the text
// then says "UTC". SDK-free; English (en-GB, 24-hour) for now — the language comes later.

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

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
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
    formatters.set(zone, f);
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

function parts(at: string | Date, zone: string | undefined): Parts | undefined {
  const d = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(d.getTime())) return undefined;
  const p: Record<string, string> = {};
  for (const { type, value } of formatter(zoneOr(zone)).formatToParts(d)) p[type] = value;
  return { date: `${p.day} ${p.month}`, clock: `${p.hour}:${p.minute}`, seconds: `${p.hour}:${p.minute}:${p.second}`, zone: zoneName(d, zoneOr(zone), p.timeZoneName) };
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
export function clockTime(at: string | Date, zone?: string): string {
  const p = parts(at, zone);
  return p ? `${p.clock} ${p.zone}` : String(at);
}

/** "27 Nov, 09:56 CET"; with seconds (to look a sign-in up): "27 Nov, 09:56:29 CET". */
export function dateTime(at: string | Date, zone?: string, options: { seconds?: boolean } = {}): string {
  const p = parts(at, zone);
  return p ? `${p.date}, ${options.seconds ? p.seconds : p.clock} ${p.zone}` : String(at);
}

/** "10:00–11:00 CET"; across a date: "27 Nov, 23:00 – 28 Nov, 01:00 CET"; across a zone change both zones are named. */
export function timeWindow(start: string | Date, end: string | Date, zone?: string): string {
  const a = parts(start, zone);
  const b = parts(end, zone);
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
