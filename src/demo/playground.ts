// Starts Microsoft 365 Agents Playground (a devDependency) against the local bot. It reads
// .m365agentsplayground.yml from its working directory and opens a browser with xdg-open;
// where no xdg-open exists (headless machines) a no-op one is put on PATH.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface Playground {
  url: string;
  process: ChildProcess;
  stop(): void;
}

function onPath(command: string, path: string): boolean {
  return path.split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

export function startPlayground(options: { root: string; botUrl: string; port: number; log: (e: Record<string, unknown>) => void }): Playground {
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js', { paths: [options.root] });
  const path = process.env.PATH ?? '';
  const env = {
    ...process.env,
    PATH: onPath('xdg-open', path) ? path : `${join(options.root, 'scripts', 'no-browser')}${delimiter}${path}`,
  };
  const child = spawn(
    process.execPath,
    [cli, 'start', '--app-endpoint', `${options.botUrl}/api/messages`, '--channel-id', 'msteams', '--port', String(options.port), '--disable-telemetry'],
    { cwd: options.root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const relay = (stream: NodeJS.ReadableStream | null, level: string) =>
    stream?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) options.log({ event: 'playground', level, line: line.trim() });
    });
  relay(child.stdout, 'info');
  relay(child.stderr, 'error');
  // The Playground exits quietly on a config file its schema rejects; say where to look.
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal === null) {
      options.log({ event: 'playground.exited', code, hint: 'check .m365agentsplayground.yml (exactly five users; see the Playground config guide)' });
    }
  });
  return { url: `http://localhost:${options.port}`, process: child, stop: () => void child.kill('SIGTERM') };
}
