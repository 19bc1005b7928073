// Job ids as Azure Table keys: allowed characters only, reversible, and prefix ranges that hold.
import { BUCKETS, escapeKey, partitionKeyOf, rowKeyOf, rowKeyRange, unescapeKey } from '../../src/scheduler/azure/keys';

/** Characters Azure Table keys may not hold: / \\ # ? and control characters. */
function forbidden(key: string): boolean {
  return [...key].some((ch) => '/\\#?'.includes(ch) || ch.charCodeAt(0) < 0x20 || (ch.charCodeAt(0) >= 0x7f && ch.charCodeAt(0) <= 0x9f));
}
const ALPHABET = ['a', 'Z', '0', '-', '_', '.', ':', '@', '/', '\\', '#', '?', '%', '%2F', "'", ' ', '~', '{', '\u0001', '\u007f', 'é', 'ü', '✓', '\ud83d\ude00', '\uffff'];

function randomId(rand: () => number): string {
  const n = 1 + Math.floor(rand() * 8);
  return Array.from({ length: n }, () => ALPHABET[Math.floor(rand() * ALPHABET.length)]).join('');
}

function seeded(seed: number): () => number {
  return () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
}

describe('Azure Table keys for job ids', () => {
  const rand = seeded(7);
  const ids = Array.from({ length: 2000 }, () => randomId(rand));

  it('escapes to allowed ASCII characters and back', () => {
    for (const id of ids) {
      const key = rowKeyOf(id);
      expect(forbidden(key)).toBe(false);
      expect(key).toMatch(/^[\x20-\x7a]+$/);
      expect(unescapeKey(key)).toBe(id);
    }
    expect(escapeKey('ticket-1/ü')).toBe('ticket-1%2F%u00FC');
  });

  it('keeps ids apart (injective)', () => {
    const byKey = new Map<string, string>();
    for (const id of ids) {
      const other = byKey.get(rowKeyOf(id));
      if (other !== undefined) expect(other).toBe(id);
      byKey.set(rowKeyOf(id), id);
    }
  });

  it('the RowKey range of a prefix holds exactly the ids with that prefix', () => {
    const keys = ids.map((id) => [id, rowKeyOf(id)] as const);
    const wrong: string[] = [];
    for (let i = 0; i < 200; i++) {
      const prefix = ids[i].slice(0, 1 + Math.floor(rand() * 3));
      const { from, to } = rowKeyRange(prefix);
      for (const [id, key] of keys) if ((key >= from && key < to) !== id.startsWith(prefix)) wrong.push(`${prefix} ${id}`);
    }
    expect(wrong).toEqual([]);
  });

  it('spreads ids over the buckets, stably', () => {
    const buckets = new Set(ids.map(partitionKeyOf));
    expect(buckets.size).toBe(BUCKETS);
    expect(partitionKeyOf('ticket-1/notice')).toBe(partitionKeyOf('ticket-1/notice'));
    expect(partitionKeyOf('x')).toMatch(/^b0[0-9a-f]$/);
  });

  it('refuses empty and over-long ids', () => {
    expect(() => rowKeyOf('')).toThrow(/non-empty/);
    expect(() => rowKeyOf('/'.repeat(400))).toThrow(/too long/);
  });
});
