// Job ids as Azure Table keys. PartitionKey and RowKey may not contain / \ # ? or control
// characters and are at most 1 KiB, so the RowKey is an escaped form of the id:
// - [A-Za-z0-9-_.:@] stay as they are;
// - other ASCII characters (including % itself) become %XX, other UTF-16 code units %uXXXX.
// The escaping works code unit by code unit, so it is injective and keeps prefixes: the ids
// starting with p are exactly the RowKeys in [escape(p), escape(p) + '{') — every escaped
// character sorts below '{', which makes cancelPrefix one range query.

const SAFE = /[A-Za-z0-9\-_.:@]/;
const MAX_KEY_LENGTH = 1000; // Azure's limit is 1 KiB

/** Number of hash buckets (PartitionKeys). Changing it would orphan stored jobs. */
export const BUCKETS = 16;

export function escapeKey(id: string): string {
  let out = '';
  for (let i = 0; i < id.length; i++) {
    const ch = id[i];
    const code = id.charCodeAt(i);
    if (code < 0x80 && SAFE.test(ch)) out += ch;
    else if (code < 0x80) out += '%' + code.toString(16).toUpperCase().padStart(2, '0');
    else out += '%u' + code.toString(16).toUpperCase().padStart(4, '0');
  }
  return out;
}

export function unescapeKey(key: string): string {
  return key.replace(/%u([0-9A-F]{4})|%([0-9A-F]{2})/g, (_m, wide: string | undefined, narrow: string | undefined) =>
    String.fromCharCode(parseInt((wide ?? narrow) as string, 16)),
  );
}

/** The RowKey of a job id; throws for ids that cannot be a key. */
export function rowKeyOf(id: string): string {
  if (typeof id !== 'string' || id.length === 0) throw new Error('A job id must be a non-empty string');
  const key = escapeKey(id);
  if (key.length > MAX_KEY_LENGTH) throw new Error(`Job id too long for Azure Table storage (${key.length} escaped characters, max ${MAX_KEY_LENGTH})`);
  return key;
}

/** The PartitionKey of a job id: a stable hash bucket (FNV-1a), "b00".."b0f". */
export function partitionKeyOf(id: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 'b' + (hash % BUCKETS).toString(16).padStart(2, '0');
}

/** RowKey bounds [from, to) of every id starting with the prefix. */
export function rowKeyRange(prefix: string): { from: string; to: string } {
  const from = escapeKey(prefix);
  return { from, to: from + '{' };
}
