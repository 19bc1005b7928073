// A short-lived cache of what Graph said about each user: their facts (one $batch) and What If's
// answers. A conversation diagnoses the same person several times within a minute (a first
// message, an answer, "request a TAP"), and a campaign can bring thousands of people to the bot
// at once: asking Graph once per person per TTL keeps the bot under Graph's per-app throttling
// limits and the turn cheap.
//
// Staleness is bounded by the TTL and cut short where it matters: the bot forgets a user when it
// changes them itself (TAP issued, exemption granted or removed) and when they say "start over"
// (what people do after an admin tells them "try again now").

export interface UserCacheOptions<T> {
  /** How long a value is served without asking Graph again; 0 turns the cache off. */
  ttlMs: number;
  /** Least recently used entries are dropped beyond this. Default 5,000. */
  maxEntries?: number;
  now?: () => number;
  /** The Entra object id a cached value is about (forget() drops it), when the key is not that id. */
  userOf?: (value: T, key: string) => string | undefined;
  /**
   * Asked on every hit: was this user changed since the value was read? (Several instances: the
   * one that changed the user is not the one holding the cache; see UserChanges.)
   */
  changedSince?: (user: string, loadedAt: number) => Promise<boolean>;
}

interface Entry<T> {
  value: T;
  /** Lower-case object id of the user it is about. */
  user: string;
  loadedAt: number;
}

export class UserCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly inFlight = new Map<string, Promise<T>>();
  /** Bumped by forget(), so a read started before it cannot store its (older) result. */
  private generation = 0;
  private readonly now: () => number;
  private readonly maxEntries: number;

  constructor(private readonly options: UserCacheOptions<T>) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 5_000;
  }

  /**
   * The value under this key (an object id or UPN, or one with more after it): cached if read
   * within the TTL, else from `read` (concurrent callers for the same key share one read;
   * failures are not cached).
   */
  async get(key: string, read: () => Promise<T>): Promise<T> {
    if (this.options.ttlMs <= 0) return read();
    key = key.toLowerCase();
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      if (this.now() - entry.loadedAt < this.options.ttlMs && !(await this.options.changedSince?.(entry.user, entry.loadedAt))) {
        this.entries.set(key, entry); // most recently used last
        return entry.value;
      }
    }
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const load = read()
      .then((value) => {
        if (generation === this.generation) this.store(key, value);
        return value;
      })
      .finally(() => {
        if (this.inFlight.get(key) === load) this.inFlight.delete(key);
      });
    this.inFlight.set(key, load);
    return load;
  }

  /** Drops what is known about this user (under their object id, UPN or any other key). */
  forget(aadObjectId: string): void {
    this.generation++;
    const id = aadObjectId.toLowerCase();
    for (const [key, entry] of this.entries) {
      if (key === id || entry.user === id) this.entries.delete(key);
    }
    this.inFlight.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private store(key: string, value: T): void {
    const user = (this.options.userOf?.(value, key) ?? key).toLowerCase();
    this.entries.set(key, { value, user, loadedAt: this.now() });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}
