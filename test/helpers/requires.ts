// Suites that need a tool from outside the test process (Chromium, Azurite). Locally such a suite
// may be skipped, with the reason printed; under CI (the CI environment variable set, as .ci/run
// does) it must run, so a missing tool is a failing test, never a silent skip.
import { existsSync } from 'node:fs';

/** True when running under CI: CI is set to anything but "", "0" or "false". */
export function underCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = (env.CI ?? '').trim().toLowerCase();
  return value !== '' && value !== '0' && value !== 'false';
}

type Describe = (title: string, body: () => void) => void;

/**
 * `describe` when the tool is there (`unavailable` undefined). Otherwise, locally: `describe.skip`
 * after printing why; under CI: a suite of one failing test that says what is missing.
 */
export function requireTool(tool: string, unavailable: string | undefined, env: NodeJS.ProcessEnv = process.env): Describe {
  if (unavailable === undefined) return describe;
  if (underCi(env)) {
    return (title, _body) =>
      describe(title, () => {
        it(`needs ${tool}`, () => {
          throw new Error(`${tool} is required under CI (CI=${env.CI}) but unavailable: ${unavailable}. Install it; CI does not skip this suite.`);
        });
      });
  }
  return (title, body) => {
    console.warn(`Skipping "${title}": ${tool} unavailable: ${unavailable}`);
    describe.skip(title, body);
  };
}

/** Debian's Chromium, or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why Chromium cannot run here, or undefined when it can be tried. */
export function chromiumUnavailable(path = CHROMIUM): string | undefined {
  return existsSync(path) ? undefined : `no Chromium at ${path} (apt-get install chromium, or set CHROMIUM_PATH)`;
}
