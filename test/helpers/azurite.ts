// Azurite (the Azure Storage emulator, npm `azurite`) for tests: blob, queue and table services
// on loopback ports chosen by the OS, in memory, telemetry off. One process per test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { requireTool } from './requires';

export interface Azurite {
  /** Shared-key connection string with the Blob, Queue and Table endpoints. */
  connectionString: string;
  ports: { blob: number; queue: number; table: number };
  stop(): Promise<void>;
}

// Azurite's well-known development account (public, documented, not a secret).
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const HOST = '127.0.0.1';

/** The azurite entry script (its `azurite` bin: all three services), or undefined. */
export function azuriteBin(): string | undefined {
  try {
    const manifest = require.resolve('azurite/package.json');
    const bin = (require(manifest) as { bin?: Record<string, string> }).bin?.azurite;
    const path = bin ? join(dirname(manifest), bin) : undefined;
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Why Azurite cannot run here, or undefined when it can be tried. */
export function azuriteUnavailable(): string | undefined {
  return azuriteBin() ? undefined : 'the azurite package is not installed (npm install)';
}

export async function startAzurite(timeoutMs = 40_000): Promise<Azurite> {
  const bin = azuriteBin();
  if (!bin) throw new Error(azuriteUnavailable());
  const workspace = mkdtempSync(join(tmpdir(), 'azurite-'));
  const child = spawn(
    process.execPath,
    [
      bin,
      '--blobHost', HOST, '--blobPort', '0',
      '--queueHost', HOST, '--queuePort', '0',
      '--tableHost', HOST, '--tablePort', '0',
      '--inMemoryPersistence', '--extentMemoryLimit', '64',
      '--skipApiVersionCheck', '--loose', '--disableTelemetry', '--silent',
    ],
    { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const cleanup = () => child.kill('SIGKILL');
  process.once('exit', cleanup);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', cleanup);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(workspace, { recursive: true, force: true });
  };

  try {
    const ports = await readPorts(child, timeoutMs);
    await Promise.all([ports.blob, ports.queue, ports.table].map((p) => waitForPort(p, timeoutMs)));
    const endpoint = (port: number) => `http://${HOST}:${port}/${ACCOUNT}`;
    const connectionString =
      `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
      `BlobEndpoint=${endpoint(ports.blob)};QueueEndpoint=${endpoint(ports.queue)};TableEndpoint=${endpoint(ports.table)};`;
    return { connectionString, ports, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Reads "Azurite X service is successfully listening at http://host:port" for the three services. */
function readPorts(child: ChildProcess, timeoutMs: number): Promise<{ blob: number; queue: number; table: number }> {
  return new Promise((resolve, reject) => {
    const found: Partial<Record<'blob' | 'queue' | 'table', number>> = {};
    let output = '';
    const timer = setTimeout(() => fail(new Error(`Azurite did not start within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const m of output.matchAll(/Azurite (Blob|Queue|Table) service is successfully listening at https?:\/\/[^:\s]+:(\d+)/g)) {
        found[m[1].toLowerCase() as 'blob' | 'queue' | 'table'] = Number(m[2]);
      }
      if (found.blob && found.queue && found.table) {
        done();
        resolve({ blob: found.blob, queue: found.queue, table: found.table });
      }
    };
    const onExit = (code: number | null) => fail(new Error(`Azurite exited (${code}) before listening:\n${output.slice(-2000)}`));
    const onError = (e: Error) => fail(e);
    function done() {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining the pipes so Azurite never blocks on a full one.
      child.stdout?.resume();
      child.stderr?.resume();
    }
    function fail(e: Error) {
      done();
      reject(e);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: HOST, port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Azurite port ${port} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `describe` for a suite that needs Azurite: skipped locally without it (reason printed), failing under CI. */
export function describeWithAzurite(): (title: string, body: () => void) => void {
  return requireTool('Azurite (npm azurite)', azuriteUnavailable());
}
