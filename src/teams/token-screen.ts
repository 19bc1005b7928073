// A strict first look at the Bot Framework token of every request, before botbuilder's own
// validation (which stays the authority and runs after it). botbuilder answers a forged token
// with a 500 and prints the error and the signing key (several lines) to stderr for each request;
// this screen turns every bad token into one 401 and one reason, with no output of its own.
//
// It accepts only what Microsoft Teams sends: a Bot Framework *channel* token (RS256/384/512,
// issued by the channel issuer, for this bot's app id, for this activity's serviceUrl, signed by
// a key from the channel's OpenID metadata that endorses the activity's channel). Emulator and
// skill tokens, which botbuilder would also take, are refused: this bot talks to Teams only.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

const ALGORITHMS: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };
/** botbuilder's clock tolerance for nbf / exp (5 minutes). */
const CLOCK_SKEW_SECONDS = 300;
/** Keys are fetched again after this long, as botbuilder does (24 hours). */
const KEYS_TTL_MS = 24 * 3600_000;
/** An unknown key id fetches the keys again at most this often (a forged kid cannot make us hammer the metadata). */
const UNKNOWN_KID_REFRESH_MS = 5 * 60_000;
const FETCH_TIMEOUT_MS = 10_000;

export interface TokenScreenOptions {
  /** The bot's app id: the token's audience. */
  appId: string;
  /** The channel token issuer (public cloud: https://api.botframework.com). */
  issuer: string;
  /** OpenID metadata of the channel's signing keys. */
  openIdMetadataUrl: string;
  now?: () => number;
}

export type ScreenVerdict = { ok: true } | { ok: false; status: 401 | 503; reason: string };

interface SigningKey {
  key: KeyObject;
  endorsements?: string[];
}

interface Jwk {
  kid?: unknown;
  kty?: unknown;
  n?: unknown;
  e?: unknown;
  endorsements?: unknown;
}

const refuse = (reason: string): ScreenVerdict => ({ ok: false, status: 401, reason });

function decodeJson(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export class TokenScreen {
  private keys = new Map<string, SigningKey>();
  private loadedAt = 0;
  private lastAttempt = 0;
  private loading?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: TokenScreenOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Checks the Authorization header of a request carrying `activity`. */
  async check(authorization: string | undefined, activity: { channelId: string; serviceUrl?: unknown }): Promise<ScreenVerdict> {
    if (!authorization?.trim()) return refuse('no token');
    const match = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]*)$/.exec(authorization.trim());
    if (!match) return refuse('malformed token');
    const [, h, p, s] = match;
    const header = decodeJson(h);
    const payload = decodeJson(p);
    if (!header || !payload) return refuse('malformed token');
    const hash = typeof header.alg === 'string' ? ALGORITHMS[header.alg] : undefined;
    if (!hash) return refuse(`signing algorithm not allowed: ${String(header.alg).slice(0, 20)}`);
    if (typeof header.kid !== 'string' || !header.kid) return refuse('no key id');
    if (!s) return refuse('no signature');

    // Claims first: they need no key, and a token for another bot or issuer is refused cheaply.
    if (payload.iss !== this.options.issuer) return refuse('wrong issuer');
    if (payload.aud !== this.options.appId) return refuse('wrong audience');
    const nowSeconds = this.now() / 1000;
    if (typeof payload.exp !== 'number') return refuse('no expiry');
    if (payload.exp + CLOCK_SKEW_SECONDS < nowSeconds) return refuse('expired');
    if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf - CLOCK_SKEW_SECONDS > nowSeconds)) return refuse('not valid yet');
    if (typeof activity.serviceUrl !== 'string' || payload.serviceurl !== activity.serviceUrl) return refuse('serviceUrl does not match the token');

    let key: SigningKey | undefined;
    try {
      key = await this.key(header.kid);
    } catch (e) {
      return { ok: false, status: 503, reason: `signing keys unavailable: ${(e as Error).message.split('\n')[0].slice(0, 200)}` };
    }
    if (!key) return refuse('unknown signing key');
    if (key.endorsements && key.endorsements.length > 0 && !key.endorsements.includes(activity.channelId)) return refuse('signing key does not endorse this channel');
    const signed = verify(hash, Buffer.from(`${h}.${p}`), key.key, Buffer.from(s, 'base64url'));
    if (!signed) return refuse('bad signature');
    return { ok: true };
  }

  private async key(kid: string): Promise<SigningKey | undefined> {
    const now = this.now();
    const fresh = this.loadedAt > 0 && now - this.loadedAt < KEYS_TTL_MS;
    if (fresh && this.keys.has(kid)) return this.keys.get(kid);
    if (!fresh || now - this.lastAttempt >= UNKNOWN_KID_REFRESH_MS) {
      try {
        await (this.loading ??= this.load().finally(() => (this.loading = undefined)));
      } catch (e) {
        // Keep serving the keys we have (Microsoft's metadata may be briefly unreachable).
        if (this.keys.size === 0) throw e;
      }
    }
    return this.keys.get(kid);
  }

  private async load(): Promise<void> {
    this.lastAttempt = this.now();
    const get = async (url: string): Promise<Record<string, unknown>> => {
      const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`GET ${url} answered ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const metadata = await get(this.options.openIdMetadataUrl);
    if (typeof metadata.jwks_uri !== 'string') throw new Error('OpenID metadata without jwks_uri');
    const jwks = await get(metadata.jwks_uri);
    const keys = new Map<string, SigningKey>();
    for (const jwk of Array.isArray(jwks.keys) ? (jwks.keys as Jwk[]) : []) {
      if (typeof jwk.kid !== 'string' || jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') continue;
      try {
        const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
        const endorsements = Array.isArray(jwk.endorsements) ? jwk.endorsements.filter((x): x is string => typeof x === 'string') : undefined;
        keys.set(jwk.kid, { key, endorsements });
      } catch {
        // A key we cannot read is a key no token can be checked against.
      }
    }
    this.keys = keys;
    this.loadedAt = this.now();
  }
}
