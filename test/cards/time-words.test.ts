// Times as the reader lives them: their zone, named; UTC (said as such) when the zone is unknown.
import { activityTimeZone, clockTime, dateTime, isTimeZone, timeWindow, zoneOr } from '../../src/cards/time-words';

const WINTER = { start: '2026-11-27T09:00:00.000Z', end: '2026-11-27T10:00:00.000Z' };
const SUMMER = { start: '2026-07-10T08:00:00.000Z', end: '2026-07-10T09:00:00.000Z' };

describe('time words', () => {
  it('a window in Berlin: CET in winter, CEST in summer', () => {
    expect(timeWindow(WINTER.start, WINTER.end, 'Europe/Berlin')).toBe('10:00–11:00 CET');
    expect(timeWindow(SUMMER.start, SUMMER.end, 'Europe/Berlin')).toBe('10:00–11:00 CEST');
  });

  it('a single time: "27 Nov, 09:56 CET", with seconds when asked', () => {
    expect(dateTime('2026-11-27T08:56:29.337Z', 'Europe/Berlin')).toBe('27 Nov, 09:56 CET');
    expect(dateTime('2026-11-27T08:56:29.337Z', 'Europe/Berlin', { seconds: true })).toBe('27 Nov, 09:56:29 CET');
    expect(clockTime(WINTER.end, 'Europe/Berlin')).toBe('11:00 CET');
  });

  it('the zone\'s short name where English has one (EDT, BST), else its offset', () => {
    expect(timeWindow(SUMMER.start, SUMMER.end, 'America/New_York')).toBe('04:00–05:00 EDT');
    expect(timeWindow(SUMMER.start, SUMMER.end, 'Europe/London')).toBe('09:00–10:00 BST');
    expect(timeWindow(WINTER.start, WINTER.end, 'Europe/London')).toBe('09:00–10:00 GMT');
    expect(timeWindow(WINTER.start, WINTER.end, 'Asia/Tokyo')).toBe('18:00–19:00 GMT+9');
  });

  it('a window across a date names both dates', () => {
    expect(timeWindow('2026-11-27T22:30:00Z', '2026-11-28T00:30:00Z', 'Europe/Berlin')).toBe('27 Nov, 23:30 – 28 Nov, 01:30 CET');
    expect(timeWindow('2026-11-27T22:30:00Z', '2026-11-28T00:30:00Z', 'UTC')).toBe('27 Nov, 22:30 – 28 Nov, 00:30 UTC');
  });

  it('a window across a change of clocks names both zones', () => {
    // Berlin leaves summer time at 01:00 UTC on 25 Oct 2026.
    expect(timeWindow('2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', 'Europe/Berlin')).toBe('02:30 CEST–02:30 CET');
  });

  it('an unknown or invalid zone is UTC, and says so', () => {
    expect(timeWindow(WINTER.start, WINTER.end, undefined)).toBe('09:00–10:00 UTC');
    expect(timeWindow(WINTER.start, WINTER.end, 'Mars/Olympus_Mons')).toBe('09:00–10:00 UTC');
    expect(clockTime(WINTER.end)).toBe('10:00 UTC');
    expect(zoneOr('not a zone')).toBe('UTC');
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Europe/Atlantis')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone(42)).toBe(false);
  });

  it('never shows raw ISO: an unparsable time is shown as given, not invented', () => {
    expect(clockTime('soon')).toBe('soon');
  });

  it('reads the zone from a Teams activity: localTimezone, else the clientInfo entity; validated', () => {
    expect(activityTimeZone({ localTimezone: 'Europe/Berlin' })).toBe('Europe/Berlin');
    expect(activityTimeZone({ entities: [{ type: 'mention' }, { type: 'clientInfo', locale: 'de-DE', timezone: 'Europe/Vienna' }] })).toBe('Europe/Vienna');
    expect(activityTimeZone({ localTimezone: 'Nowhere/Land', entities: [{ type: 'clientInfo', timezone: 'Asia/Tokyo' }] })).toBe('Asia/Tokyo');
    expect(activityTimeZone({ entities: [{ type: 'clientInfo', timezone: '<script>' }] })).toBeUndefined();
    expect(activityTimeZone({})).toBeUndefined();
    expect(activityTimeZone(undefined)).toBeUndefined();
  });
});
