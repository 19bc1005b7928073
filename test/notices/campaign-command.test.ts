// The campaign chat command reads dates as admins write them, and shows its usage with the
// placeholders visible (as typed, not as markdown, where Teams would drop "<group>").
import { formatDate } from '../../src/cards/copy';
import { CAMPAIGN_COMMANDS, groupAndDate, readDate } from '../../src/notices/campaign-command';

const NOW = new Date('2026-12-01T09:00:00Z');

describe('dates as people write them', () => {
  it.each([
    ['2026-12-31', '2026-12-31'],
    ['2026/12/31', '2026-12-31'],
    ['31 December 2026', '2026-12-31'],
    ['31 Dec 2026', '2026-12-31'],
    ['31st of December, 2026', '2026-12-31'],
    ['December 31, 2026', '2026-12-31'],
    ['Dec. 31 2026', '2026-12-31'],
    ['31/12/2026', '2026-12-31'],
    ['12/31/2026', '2026-12-31'],
    ['31.12.2026', '2026-12-31'],
    ['1 Feb 2027', '2027-02-01'],
    ['31 December', '2026-12-31'],
    ['Jan 15', '2027-01-15'], // no year: the next 15 January
  ])('"%s" is %s', (text, iso) => {
    expect(readDate(text, NOW)).toEqual({ date: iso });
  });

  it('asks rather than guesses when day and month could be swapped, and refuses days that do not exist', () => {
    expect(readDate('03/04/2027', NOW)).toEqual({ error: expect.stringContaining('write the month as a word') });
    expect(readDate('31 February 2027', NOW)).toEqual({ error: 'there is no 31 February 2027' });
    expect(readDate('wave 1', NOW)).toBeUndefined();
  });

  it('shows dates back as people write them', () => {
    expect(formatDate('2026-12-31')).toBe('31 December 2026');
    expect(formatDate('2027-01-05')).toBe('5 January 2027');
  });
});

describe('campaign start <group> <date>', () => {
  const parse = (text: string) => groupAndDate(text.split(' '), NOW);

  it.each([
    ['Passkey rollout wave 1 2026-12-31', 'Passkey rollout wave 1', '2026-12-31'],
    ['Passkey rollout wave 1 31 December 2026', 'Passkey rollout wave 1', '2026-12-31'],
    ['Passkey rollout wave 1 December 31', 'Passkey rollout wave 1', '2026-12-31'],
    ['Passkey rollout wave 1 31/12/2026', 'Passkey rollout wave 1', '2026-12-31'],
    ['Finance 1 March 2027', 'Finance', '2027-03-01'],
  ])('"%s": group "%s", date %s', (text, group, date) => {
    expect(parse(text)).toEqual({ group, date });
  });

  it('says what is missing', () => {
    expect(parse('Passkey rollout wave 1')).toEqual({ error: expect.stringContaining('could not read a date') });
    expect(groupAndDate([], NOW)).toEqual({ error: expect.stringContaining('which group') });
    expect(parse('2026-12-31')).toEqual({ error: expect.stringContaining('which group') });
  });

  it('names its placeholders', () => {
    expect(CAMPAIGN_COMMANDS.map((c) => c.command)).toEqual(['campaign start <group> <date>', 'campaign status']);
  });
});
