// The embedded store as a user of the bot would notice it: what was written is there after a
// restart, conflicts lose nothing, a crash's torn line costs only that line, old installs keep
// their data, and a second process on the same DATA_DIR is refused with a clear message.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
// The module object itself (not an import namespace), so jest can replace writeSync on it.
const fs = require('node:fs') as typeof import('node:fs');
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ETagConflictError, FileStorage, type FileStorageOptions } from '../../src/storage/file-storage';

const ROOT = resolve(__dirname, '..', '..');
let dir: string;
let events: Record<string, unknown>[];
const opened: FileStorage[] = [];

function store(options: FileStorageOptions = {}): FileStorage {
  const s = new FileStorage(dir, { log: (e) => events.push(e), ...options });
  opened.push(s);
  return s;
}
async function restart(s: FileStorage, options: FileStorageOptions = {}): Promise<FileStorage> {
  await s.close();
  return store(options);
}
const logLines = () => readFileSync(join(dir, 'state.jsonl'), 'utf8').split('\n').filter(Boolean);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pksb-store-'));
  events = [];
});
afterEach(async () => {
  jest.restoreAllMocks();
  for (const s of opened.splice(0)) await s.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('FileStorage', () => {
  it('keeps values, deletes and eTags across a restart', async () => {
    const s = store();
    await s.write({ 'conv/a': { turn: 1, nested: { x: [1, 2] } }, 'user.b': { name: 'Tom' }, gone: { v: 1 } });
    await s.delete(['gone']);
    const before = await s.read(['conv/a', 'user.b', 'gone']);
    expect(before['conv/a']).toMatchObject({ turn: 1, nested: { x: [1, 2] } });
    expect(before['conv/a'].eTag).toEqual(expect.any(String));
    expect(before['conv/a'].eTag).not.toBe(before['user.b'].eTag);
    expect(before.gone).toBeUndefined();
    // Resolved means appended: the line is already in the file, before any close().
    expect(logLines().some((l) => l.includes('"Tom"'))).toBe(true);

    const after = await (await restart(s)).read(['conv/a', 'user.b', 'gone']);
    expect(after).toEqual(before);
  });

  it('hands out copies: changing what was read or written does not change the store', async () => {
    const s = store();
    const item = { list: [1] };
    await s.write({ k: item });
    item.list.push(2);
    const r = await s.read(['k']);
    (r.k.list as number[]).push(3);
    expect((await s.read(['k'])).k.list).toEqual([1]);
  });

  it('rejects a write with a stale eTag and keeps the newer value', async () => {
    const s = store();
    await s.write({ t: { status: 'open' } });
    const first = (await s.read(['t'])).t;
    await s.write({ t: { ...first, status: 'assigned' } });
    await expect(s.write({ t: { ...first, status: 'resolved' } })).rejects.toBeInstanceOf(ETagConflictError);
    // "*" and no eTag still overwrite; a matching eTag gets a fresh one.
    const current = (await s.read(['t'])).t;
    expect(current.status).toBe('assigned');
    await s.write({ t: { ...current, status: 'closed' } });
    expect((await s.read(['t'])).t.eTag).not.toBe(current.eTag);

    const again = await restart(s);
    expect((await again.read(['t'])).t.status).toBe('closed');
    await again.write({ t: { status: 'forced', eTag: '*' } });
    expect((await again.read(['t'])).t.status).toBe('forced');
  });

  it('carries 200 concurrent writes in a few appends, and all of them survive a restart', async () => {
    const s = store();
    await s.write({ warm: { v: 0 } }); // the log file is open
    const write = jest.spyOn(fs, 'writeSync');
    await Promise.all(Array.from({ length: 200 }, (_, i) => s.write({ [`conversation/${i}`]: { turn: i } })));
    const appends = write.mock.calls.filter(([, data]) => String(data).includes('"k":"conversation/'));
    expect(appends.length).toBeGreaterThanOrEqual(1);
    expect(appends.length).toBeLessThanOrEqual(5);
    expect(logLines()).toHaveLength(201);

    const again = await restart(s);
    const keys = Array.from({ length: 200 }, (_, i) => `conversation/${i}`);
    const items = await again.read(keys);
    expect(keys.map((k) => items[k]?.turn)).toEqual(keys.map((_, i) => i));
  });

  it('rolls a write back when its append fails', async () => {
    const s = store();
    await s.write({ k: { v: 1 } });
    jest.spyOn(fs, 'writeSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    });

    await expect(s.write({ k: { v: 2 }, other: { v: 2 } })).rejects.toThrow(/ENOSPC/);
    expect(await s.read(['k', 'other'])).toEqual({ k: expect.objectContaining({ v: 1 }) });
    await s.write({ next: { v: 3 } }); // the store keeps working
    const again = await restart(s);
    expect(await again.read(['k', 'other', 'next'])).toEqual({ k: expect.objectContaining({ v: 1 }), next: expect.objectContaining({ v: 3 }) });
  });

  it('skips and reports a torn last line, keeps every other entry, and appends cleanly after it', async () => {
    const s = store();
    await s.write({ a: { v: 'a' } });
    await s.write({ b: { v: 'b' } });
    await s.close();
    appendFileSync(join(dir, 'state.jsonl'), '{"k":"c","v":{"v":"secret-c"'); // the crash

    const again = store();
    expect(await again.read(['a', 'b', 'c'])).toEqual({ a: expect.objectContaining({ v: 'a' }), b: expect.objectContaining({ v: 'b' }) });
    expect(events).toContainEqual(expect.objectContaining({ event: 'store.line-skipped', line: 3 }));
    expect(JSON.stringify(events)).not.toContain('secret-c');

    await again.write({ d: { v: 'd' } });
    events = [];
    const third = await restart(again);
    expect(Object.keys(await third.read(['a', 'b', 'c', 'd']))).toEqual(['a', 'b', 'd']);
    expect(events.filter((e) => e.event === 'store.line-skipped')).toEqual([]);
  });

  it('skips a garbage line in the middle and keeps the entries around it', async () => {
    writeFileSync(join(dir, 'state.jsonl'), ['{"k":"a","v":{"v":1}}', 'not json at all', '[1,2]', '{"k":"b","v":{"v":2}}', '{"k":"a","d":1}', ''].join('\n'));
    const s = store();
    expect(await s.read(['a', 'b'])).toEqual({ b: { v: 2 } });
    expect(events.filter((e) => e.event === 'store.line-skipped').map((e) => e.line)).toEqual([2, 3]);
  });

  it('imports the old one-file-per-key folder once and moves it aside', async () => {
    const legacy = join(dir, 'state');
    mkdirSync(legacy);
    const file = (key: string) => join(legacy, `${encodeURIComponent(key).replace(/\./g, '%2E')}.json`);
    writeFileSync(file('msteams/conversations/a:b.c'), JSON.stringify({ turn: 7, eTag: 'old-etag' }));
    writeFileSync(file('tickets/PK-1'), JSON.stringify({ status: 'open' }));
    writeFileSync(file('broken'), '{"half":');
    writeFileSync(join(legacy, 'x.json.123.tmp'), 'leftover');

    const s = store();
    expect(await s.read(['msteams/conversations/a:b.c', 'tickets/PK-1', 'broken'])).toEqual({
      'msteams/conversations/a:b.c': { turn: 7, eTag: 'old-etag' },
      'tickets/PK-1': { status: 'open' },
    });
    expect(existsSync(legacy)).toBe(false);
    const moved = readdirSync(dir).filter((f) => /^state\.imported-\d+$/.test(f));
    expect(moved).toHaveLength(1);
    expect(readdirSync(join(dir, moved[0])).sort()).toHaveLength(4); // nothing deleted
    expect(events).toContainEqual(expect.objectContaining({ event: 'store.legacy-imported', imported: 2, skipped: 1 }));
    expect(events).toContainEqual(expect.objectContaining({ event: 'store.legacy-skipped' }));
    // The old eTag still guards the item.
    await expect(s.write({ 'tickets/PK-1': { status: 'x', eTag: 'wrong' } })).rejects.toBeInstanceOf(ETagConflictError);
    await s.write({ 'msteams/conversations/a:b.c': { turn: 8, eTag: 'old-etag' } });

    const again = await restart(s);
    expect((await again.read(['msteams/conversations/a:b.c']))['msteams/conversations/a:b.c'].turn).toBe(8);
    expect(readdirSync(dir).filter((f) => f.startsWith('state.imported-'))).toHaveLength(1);
  });

  describe('one process per data directory', () => {
    let child: ChildProcess | undefined;
    afterEach(() => {
      child?.kill('SIGKILL');
      child = undefined;
    });

    it('refuses to open a DATA_DIR another live process holds, and takes it over once that process is gone', async () => {
      // Another process opens the store, writes, and stays up.
      const script = `const { FileStorage } = require('./src/storage/file-storage');
        const s = new FileStorage(process.argv[1]);
        s.write({ fromChild: { v: 1 } }).then(() => console.log('ready'));
        setInterval(() => {}, 1000);`;
      const c = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script, dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      child = c;
      await new Promise<void>((ok, fail) => {
        c.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && ok());
        c.once('exit', (code) => fail(new Error(`child exited ${code}`)));
      });

      expect(() => store()).toThrow(
        `DATA_DIR ${dir} is in use by process ${c.pid}: the embedded store serves one process at a time. Stop that process, or set AZURE_STORAGE_CONNECTION_STRING to share Azure Storage between instances. (If process ${c.pid} is not a bot, the lock is left from a crash: delete ${join(dir, 'state.lock')}.)`,
      );

      // It dies without closing (a crash): its lock is stale, its data is ours.
      const exited = new Promise((ok) => c.once('exit', ok));
      c.kill('SIGKILL');
      await exited;
      const s = store();
      expect((await s.read(['fromChild'])).fromChild).toMatchObject({ v: 1 });
      expect(readFileSync(join(dir, 'state.lock'), 'utf8')).toBe(String(process.pid));
    }, 30_000);

    it('takes over a lock left by a dead process, and close() releases it', async () => {
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      writeFileSync(join(dir, 'state.lock'), String(dead));
      const s = store();
      expect(readFileSync(join(dir, 'state.lock'), 'utf8')).toBe(String(process.pid));
      await s.write({ k: { v: 1 } });
      await s.close();
      await s.close(); // idempotent
      expect(existsSync(join(dir, 'state.lock'))).toBe(false);
      await expect(s.write({ k: { v: 2 } })).rejects.toThrow(/closed/);
    });

    it('refuses a lock held by a live process that is not a store (the pid is all it checks)', () => {
      child = spawn('sleep', ['30']);
      writeFileSync(join(dir, 'state.lock'), `${child.pid}\n`);
      expect(() => store()).toThrow(new RegExp(`in use by process ${child.pid}: the embedded store serves one process at a time`));
    });
  });

  describe('compaction', () => {
    const small = { compactMinBytes: 2_000, compactRatio: 3 };

    it('rewrites the log as the live entries once it outgrows them, keeping every value', async () => {
      const s = store(small);
      let appended = 0;
      for (let round = 0; round < 60; round++) {
        const batch = Object.fromEntries(Array.from({ length: 5 }, (_, k) => [`key-${k}`, { round, pad: 'x'.repeat(40) }]));
        await Promise.all([s.write(batch), s.write({ [`temp-${round}`]: { round } }).then(() => s.delete([`temp-${round}`]))]);
        appended += 7;
      }
      expect(events.some((e) => e.event === 'store.compacted')).toBe(true);
      expect(logLines().length).toBeLessThan(appended / 4);
      expect(statSync(join(dir, 'state.jsonl')).size).toBeLessThanOrEqual(Math.max(2_000, 3 * 5 * 100) + 1_000);

      const again = await restart(s, small);
      const items = await again.read([...Array.from({ length: 5 }, (_, k) => `key-${k}`), 'temp-59']);
      expect(Object.keys(items).sort()).toEqual(['key-0', 'key-1', 'key-2', 'key-3', 'key-4']);
      for (const item of Object.values(items)) expect(item.round).toBe(59);
    });

    it('compacts at start-up a log written without compaction', async () => {
      const s = store({ compactMinBytes: Number.MAX_SAFE_INTEGER });
      for (let i = 0; i < 100; i++) await s.write({ a: { i }, [`t${i}`]: { i } });
      await s.delete(Array.from({ length: 100 }, (_, i) => `t${i}`));
      expect(logLines()).toHaveLength(300);

      const again = await restart(s, small);
      expect(logLines()).toHaveLength(1);
      expect((await again.read(['a', 't5'])).a).toMatchObject({ i: 99 });
      expect(Object.keys(await again.read(['t5']))).toEqual([]);
    });
  });
});
