// The store shape every stateful part uses (botbuilder's Storage has the same shape, so one
// store serves bot state, tickets and scheduled jobs): read / write with eTags / delete.
export interface StoreItem {
  eTag?: string;
  [key: string]: unknown;
}
export type StoreItems = Record<string, StoreItem>;

export interface KeyValueStore {
  read(keys: string[]): Promise<StoreItems>;
  /** Rejects when an item's eTag (other than "*") no longer matches the stored one. */
  write(changes: StoreItems): Promise<void>;
  delete(keys: string[]): Promise<void>;
  /**
   * Releases what the store holds in this process (the file log's handle and the data directory's
   * lock); later calls are no-ops. Stores that hold nothing (in memory, test doubles) may omit it.
   */
  close?(): Promise<void>;
}

/** Serialises async work on one key inside this process (read-modify-write without races). */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    const tail = next.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return next;
  }
}
