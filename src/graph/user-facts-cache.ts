// A short-lived cache of each user's facts (one $batch each). A conversation diagnoses the same
// person several times within a minute (a first message, an answer, "request a TAP"), and a
// campaign can bring thousands of people to the bot at once: reading Graph once per person per
// TTL keeps the bot under Graph's per-app throttling limits and the turn cheap.
//
// Staleness is bounded by the TTL and cut short where it matters: the bot forgets a user when it
// changes them itself (TAP issued, exemption granted or removed) and when they say "start over"
// (what people do after an admin tells them "try again now").
import type { UserFacts } from '../diagnosis/facts';

export interface UserFactsCacheOptions {
  /** How long a user's facts are served without asking Graph again; 0 turns the cache off. */
  ttlMs: number;
  /** Least recently used users are dropped beyond this. Default 5,000. */
  maxUsers?: number;
  now?: () => number;
}

interface Entry {
  facts: UserFacts;
  loadedAt: number;
}

export class UserFactsCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<UserFacts>>();
  /** Bumped by forget(), so a read started before it cannot store its (older) result. */
  private generation = 0;
  private readonly now: () => number;
  private readonly maxUsers: number;

  constructor(private readonly options: UserFactsCacheOptions) {
    this.now = options.now ?? Date.now;
    this.maxUsers = options.maxUsers ?? 5_000;
  }

  /**
   * The facts of the user known by this object id or UPN: cached if read within the TTL, else
   * from `read` (concurrent callers for the same user share one read; failures are not cached).
   */
  async get(idOrUpn: string, read: () => Promise<UserFacts>): Promise<UserFacts> {
    if (this.options.ttlMs <= 0) return read();
    const key = idOrUpn.toLowerCase();
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      if (this.now() - entry.loadedAt < this.options.ttlMs) {
        this.entries.set(key, entry); // most recently used last
        return entry.facts;
      }
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const load = read()
      .then((facts) => {
        if (generation === this.generation) this.store(key, facts);
        return facts;
      })
      .finally(() => {
        if (this.inFlight.get(key) === load) this.inFlight.delete(key);
      });
    this.inFlight.set(key, load);
    return load;
  }

  /** Drops what is known about this user (by object id, and any UPN entry for the same user). */
  forget(aadObjectId: string): void {
    this.generation++;
    const id = aadObjectId.toLowerCase();
    for (const [key, entry] of this.entries) {
      if (key === id || entry.facts.user.id?.toLowerCase() === id) this.entries.delete(key);
    }
    this.inFlight.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, facts: UserFacts): void {
    this.entries.set(key, { facts, loadedAt: this.now() });
    while (this.entries.size > this.maxUsers) this.entries.delete(this.entries.keys().next().value as string);
  }
}
