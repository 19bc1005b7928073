// The embedded default store: an append-only log of JSON lines (DATA_DIR/state.jsonl) with the
// whole live map in memory. It has the shape of botbuilder's Storage (read / write / delete with
// eTag concurrency), so bot state survives a restart without any database, while this module
// stays free of the SDK. Writes that arrive together share one append (group commit): bot state
// is saved every turn, and one append per batch costs far less than a file per key.
import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, existsSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { KeyedMutex, type KeyValueStore, type StoreItem, type StoreItems } from './key-value';

export class ETagConflictError extends Error {}

/** Another live process holds the data directory. */
export class StoreInUseError extends Error {}

export interface FileStorageOptions {
  /** Events worth an operator's attention (skipped lines, legacy import, failed compaction). */
  log?: (event: Record<string, unknown>) => void;
  /** Compaction rewrites the log once it is larger than max(compactMinBytes, compactRatio × live bytes). */
  compactMinBytes?: number;
  compactRatio?: number;
}

const LOG_FILE = 'state.jsonl';
const LOCK_FILE = 'state.lock';

/** A live entry: the item as it is on disk (so a read after a restart equals a read before). */
interface Entry {
  json: string;
  eTag: string | undefined;
  /** Length of its log line, for the compaction threshold. */
  bytes: number;
}

interface Pending {
  line: string;
  commit: () => void;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const setLine = (key: string, json: string) => `{"k":${JSON.stringify(key)},"v":${json}}\n`;
const deleteLine = (key: string) => `{"k":${JSON.stringify(key)},"d":1}\n`;

export class FileStorage implements KeyValueStore {
  private readonly file: string;
  private readonly lockFile: string;
  private readonly log: (event: Record<string, unknown>) => void;
  private readonly compactMinBytes: number;
  private readonly compactRatio: number;
  /** Serialises writes per key, so an eTag check and its commit see no other change in between. */
  private readonly locks = new KeyedMutex();
  /** Committed entries only: a change shows here once its append has completed. */
  private readonly items = new Map<string, Entry>();
  private liveBytes = 0;
  private fileBytes = 0;
  private fd?: number;
  private queue: Pending[] = [];
  private draining?: Promise<void>;
  private closing?: Promise<void>;

  constructor(
    private readonly dataDir: string,
    options: FileStorageOptions = {},
  ) {
    this.file = join(dataDir, LOG_FILE);
    this.lockFile = join(dataDir, LOCK_FILE);
    this.log = options.log ?? (() => undefined);
    this.compactMinBytes = options.compactMinBytes ?? 8 * 1024 * 1024;
    this.compactRatio = options.compactRatio ?? 3;
    mkdirSync(dataDir, { recursive: true });
    this.lock();
    try {
      this.load();
      this.importLegacy();
      if (this.shouldCompact()) this.compactSync();
    } catch (e) {
      this.unlock();
      throw e;
    }
  }

  async read(keys: string[]): Promise<StoreItems> {
    const out: StoreItems = {};
    // Parsed afresh: callers (botbuilder state) change what they read before writing it back.
    for (const key of keys) {
      const entry = this.items.get(key);
      if (entry) out[key] = JSON.parse(entry.json) as StoreItem;
    }
    return out;
  }

  async write(changes: StoreItems): Promise<void> {
    await Promise.all(Object.entries(changes).map(([key, item]) => this.locks.run(key, () => this.writeOne(key, item))));
  }

  private async writeOne(key: string, item: StoreItem): Promise<void> {
    const current = this.items.get(key);
    if (item.eTag && item.eTag !== '*' && current && current.eTag !== item.eTag) {
      throw new ETagConflictError(`Storage: "${key}" was changed by someone else (eTag conflict)`);
    }
    const eTag = randomUUID();
    const json = JSON.stringify({ ...item, eTag });
    const line = setLine(key, json);
    await this.enqueue(line, () => this.set(key, { json, eTag, bytes: Buffer.byteLength(line) }));
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(
      keys.map((key) =>
        this.locks.run(key, async () => {
          if (!this.items.has(key)) return;
          await this.enqueue(deleteLine(key), () => this.remove(key));
        }),
      ),
    );
  }

  /** Waits for pending appends, closes the log and releases the data directory. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      while (this.draining) await this.draining;
      this.closeLog();
      this.unlock();
    })();
    return this.closing;
  }

  private closeLog(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private set(key: string, entry: Entry): void {
    this.liveBytes += entry.bytes - (this.items.get(key)?.bytes ?? 0);
    this.items.set(key, entry);
  }

  private remove(key: string): void {
    this.liveBytes -= this.items.get(key)?.bytes ?? 0;
    this.items.delete(key);
  }

  // --- group commit ---

  private enqueue(line: string, commit: () => void): Promise<void> {
    if (this.closing) return Promise.reject(new Error(`FileStorage for ${this.dataDir} is closed`));
    return new Promise((resolve, reject) => {
      this.queue.push({ line, commit, resolve, reject });
      // setImmediate, not a microtask: everything requested in this tick joins the first append.
      this.draining ??= new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        try {
          await this.append(Buffer.from(batch.map((p) => p.line).join('')));
        } catch (e) {
          for (const p of batch) p.reject(e);
          continue;
        }
        for (const p of batch) p.commit();
        for (const p of batch) p.resolve();
        if (this.shouldCompact()) await this.compact();
      }
    } finally {
      this.draining = undefined;
    }
  }

  /**
   * One batch, written synchronously: a few KB into the page cache take microseconds, while an
   * async write waits for a thread-pool thread (on 2 busy cores, often a millisecond or more)
   * and every turn of the batch waits with it. Handed to the OS before resolving, as before.
   */
  private async append(buffer: Buffer): Promise<void> {
    this.fd ??= openSync(this.file, 'a');
    const before = this.fileBytes;
    try {
      let done = 0;
      while (done < buffer.length) done += writeSync(this.fd, buffer, done, buffer.length - done);
      this.fileBytes += buffer.length;
    } catch (e) {
      // Take back a partial batch: its writes are rejected, so a restart must not replay them.
      try {
        ftruncateSync(this.fd, before);
      } catch {
        this.log({ event: 'store.truncate-failed', file: this.file });
      }
      throw e;
    }
  }

  // --- compaction ---

  private shouldCompact(): boolean {
    return this.fileBytes > Math.max(this.compactMinBytes, this.compactRatio * this.liveBytes);
  }

  private liveLog(): string {
    let out = '';
    for (const [key, entry] of this.items) out += setLine(key, entry.json);
    return out;
  }

  private compactSync(): void {
    const body = this.liveLog();
    writeFileSync(`${this.file}.compact`, body);
    renameSync(`${this.file}.compact`, this.file);
    this.log({ event: 'store.compacted', fromBytes: this.fileBytes, toBytes: Buffer.byteLength(body) });
    this.fileBytes = Buffer.byteLength(body);
  }

  /** Runs inside drain(), so appends wait for it; the old log stays valid if it fails. */
  private async compact(): Promise<void> {
    const body = this.liveLog();
    const fromBytes = this.fileBytes;
    try {
      await writeFile(`${this.file}.compact`, body);
      // Reopened on the next append: the old descriptor points at the replaced file.
      this.closeLog();
      await rename(`${this.file}.compact`, this.file);
      this.fileBytes = Buffer.byteLength(body);
      this.log({ event: 'store.compacted', fromBytes, toBytes: this.fileBytes });
    } catch (e) {
      this.log({ event: 'store.compact-failed', error: (e as Error).message });
    }
  }

  // --- start-up ---

  private load(): void {
    let data: Buffer;
    try {
      data = readFileSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const end = data.lastIndexOf(0x0a) + 1;
    const lines = data.subarray(0, end).toString('utf8').split('\n');
    lines.pop(); // after the last newline
    lines.forEach((line, i) => this.replay(line, i + 1));
    this.fileBytes = data.length;
    if (end < data.length) {
      // A last line without its newline: complete it if whole, else drop the torn bytes so the
      // next append starts on a line of its own.
      const lineNo = lines.length + 1;
      if (this.replay(data.subarray(end).toString('utf8'), lineNo, 'torn')) appendFileSync(this.file, '\n');
      else truncateSync(this.file, end);
      this.fileBytes = statSync(this.file).size;
    }
  }

  private replay(line: string, lineNo: number, reason = 'unreadable'): boolean {
    if (line.trim() === '') return true;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = undefined;
    }
    const e = entry as { k?: unknown; v?: unknown; d?: unknown } | undefined;
    if (e && typeof e === 'object' && typeof e.k === 'string') {
      if (e.d === 1) {
        this.remove(e.k);
        return true;
      }
      if (isItem(e.v)) {
        const json = JSON.stringify(e.v);
        this.set(e.k, { json, eTag: typeof e.v.eTag === 'string' ? e.v.eTag : undefined, bytes: Buffer.byteLength(setLine(e.k, json)) });
        return true;
      }
    }
    this.log({ event: 'store.line-skipped', file: this.file, line: lineNo, reason });
    return false;
  }

  /** The format before the log: DATA_DIR/state/<encoded key>.json, one item per file. */
  private importLegacy(): void {
    const dir = join(this.dataDir, 'state');
    if (!existsSync(dir) || !statSync(dir).isDirectory()) return;
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    if (files.length === 0) return;
    let lines = '';
    let imported = 0;
    for (const name of files) {
      try {
        const key = decodeURIComponent(name.slice(0, -'.json'.length));
        const item = JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
        if (!isItem(item)) throw new Error('not an object');
        const json = JSON.stringify(item);
        const line = setLine(key, json);
        lines += line;
        this.set(key, { json, eTag: typeof item.eTag === 'string' ? item.eTag : undefined, bytes: Buffer.byteLength(line) });
        imported++;
      } catch {
        this.log({ event: 'store.legacy-skipped', file: join(dir, name) });
      }
    }
    appendFileSync(this.file, lines);
    this.fileBytes += Buffer.byteLength(lines);
    // The whole folder moves aside (skipped files included), so the import runs once.
    const movedTo = join(this.dataDir, `state.imported-${Date.now()}`);
    renameSync(dir, movedTo);
    this.log({ event: 'store.legacy-imported', imported, skipped: files.length - imported, movedTo });
  }

  // --- one process per data directory ---

  private lock(): void {
    for (let attempt = 1; ; attempt++) {
      try {
        writeFileSync(this.lockFile, String(process.pid), { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt === 3) throw e;
      }
      let pid: number;
      try {
        pid = Number(readFileSync(this.lockFile, 'utf8').trim());
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile
        throw e;
      }
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new StoreInUseError(
          `DATA_DIR ${this.dataDir} is in use by process ${pid}: the embedded store serves one process at a time. ` +
            'Stop that process, or set AZURE_STORAGE_CONNECTION_STRING to share Azure Storage between instances. ' +
            `(If process ${pid} is not a bot, the lock is left from a crash: delete ${this.lockFile}.)`,
        );
      }
      // Left by a process that is gone (or by this one): take it over.
      rmSync(this.lockFile, { force: true });
    }
  }

  private unlock(): void {
    try {
      if (readFileSync(this.lockFile, 'utf8').trim() === String(process.pid)) rmSync(this.lockFile, { force: true });
    } catch {
      // Already gone.
    }
  }
}

function isItem(v: unknown): v is StoreItem {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by another user
  }
}
