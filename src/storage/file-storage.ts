// The embedded default store: one JSON file per key under a data directory. It has the shape of
// botbuilder's Storage (read / write / delete with eTag concurrency), so bot state survives a
// restart without any database, while this module stays free of the SDK.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { KeyedMutex, type KeyValueStore, type StoreItem, type StoreItems } from './key-value';

export class ETagConflictError extends Error {}

export class FileStorage implements KeyValueStore {
  private readonly dir: string;
  /** Serialises writes per key inside this process (rename is atomic across processes). */
  private readonly locks = new KeyedMutex();

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'state');
    mkdirSync(this.dir, { recursive: true });
  }

  private file(key: string): string {
    return join(this.dir, `${encodeURIComponent(key).replace(/\./g, '%2E')}.json`);
  }

  /**
   * Items this process has read or written. The embedded store serves one instance (several
   * instances share Azure Storage instead), so each file needs reading only once.
   */
  private readonly cache = new Map<string, StoreItem | undefined>();

  private async load(key: string): Promise<StoreItem | undefined> {
    if (this.cache.has(key)) return this.cache.get(key);
    const item = await this.loadFile(key);
    this.cache.set(key, item);
    return item;
  }

  private async loadFile(key: string): Promise<StoreItem | undefined> {
    try {
      return JSON.parse(await readFile(this.file(key), 'utf8')) as StoreItem;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      // A corrupt file must not take the conversation down: treat it as empty, keep the file aside.
      if (e instanceof SyntaxError) {
        await rename(this.file(key), `${this.file(key)}.corrupt-${Date.now()}`).catch(() => undefined);
        return undefined;
      }
      throw e;
    }
  }

  async read(keys: string[]): Promise<StoreItems> {
    const out: StoreItems = {};
    for (const key of keys) {
      const item = await this.load(key);
      // A copy: callers (botbuilder state) change what they read before writing it back.
      if (item) out[key] = structuredClone(item);
    }
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(Object.entries(changes).map(([key, item]) => this.locks.run(key, () => this.writeOne(key, item))));
  }

  private async writeOne(key: string, item: StoreItem): Promise<void> {
    const current = await this.load(key);
    if (item.eTag && item.eTag !== '*' && current && current.eTag !== item.eTag) {
      throw new ETagConflictError(`Storage: "${key}" was changed by someone else (eTag conflict)`);
    }
    const next = { ...item, eTag: randomUUID() };
    const tmp = `${this.file(key)}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(next));
    await rename(tmp, this.file(key));
    this.cache.set(key, next);
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.locks.run(key, async () => {
          await rm(this.file(key), { force: true });
          this.cache.set(key, undefined);
        }),
      ),
    );
  }
}
