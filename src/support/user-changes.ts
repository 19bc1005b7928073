// When several bot instances share Azure Storage, the instance whose help desk changed a user
// (TAP issued, exemption added or removed) is often not the one that will diagnose them next,
// and that one may hold the user's facts in its cache for up to a minute. The changing instance
// leaves a mark in the shared store; the others check it before serving cached facts.
import type { KeyValueStore } from '../storage/key-value';

/** Instances' clocks differ a little: a mark this close after a read still counts as after it. */
const CLOCK_SKEW_MS = 30_000;

export class UserChanges {
  constructor(
    private readonly store: KeyValueStore,
    private readonly now: () => number = Date.now,
  ) {}

  async mark(aadObjectId: string): Promise<void> {
    await this.store.write({ [key(aadObjectId)]: { at: this.now(), eTag: '*' } });
  }

  /** True when this user was marked changed after (or about when) `loadedAt`. */
  async changedSince(aadObjectId: string, loadedAt: number): Promise<boolean> {
    const at = (await this.store.read([key(aadObjectId)]))[key(aadObjectId)]?.at;
    return typeof at === 'number' && at >= loadedAt - CLOCK_SKEW_MS;
  }
}

const key = (aadObjectId: string) => `userChanges/${aadObjectId.toLowerCase()}`;
