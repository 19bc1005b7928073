// Jest setup (setupFilesAfterEnv): every Graph emulator response a test causes is checked against
// Graph's v1.0 metadata (src/graph-emulator/schema-check.ts, docs/dev/graph-emulator-schema.md).
// The emulator records violations here; the test during which they happened fails with the
// request and the JSON path of each problem. Set GRAPH_EMULATOR_SCHEMA=off to run without it, and
// GRAPH_EMULATOR_SCHEMA_STATS=<file> to measure what it costs.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { SCHEMA_ENV, STATS_KEY, VIOLATIONS_KEY, describeViolations, type CheckStats, type RecordedViolation } from '../../src/graph-emulator/schema-check';

export const GRAPH_CSDL = join(__dirname, '..', 'fixtures', 'graph-csdl', 'v1.0-trimmed.xml');

if (process.env[SCHEMA_ENV] === 'off') {
  delete process.env[SCHEMA_ENV];
} else {
  process.env[SCHEMA_ENV] ??= GRAPH_CSDL;
  const recorded: RecordedViolation[] = [];
  (globalThis as Record<symbol, unknown>)[VIOLATIONS_KEY] = recorded;

  const failOnViolations = (when: string): void => {
    if (recorded.length === 0) return;
    const found = recorded.splice(0);
    throw new Error(
      `The Graph emulator answered ${found.length} response${found.length > 1 ? 's' : ''} that Graph v1.0's schema does not allow (${when}):\n` +
        found.map((r) => describeViolations(r)).join('\n'),
    );
  };
  afterEach(() => failOnViolations('during this test'));
  afterAll(() => failOnViolations('after the last test of this file'));

  // GRAPH_EMULATOR_SCHEMA_STATS=<file>: one JSON line per test file with what the check cost there.
  const statsFile = process.env.GRAPH_EMULATOR_SCHEMA_STATS;
  if (statsFile) {
    const stats: CheckStats = { responses: 0, ms: 0, compileMs: 0 };
    (globalThis as Record<symbol, unknown>)[STATS_KEY] = stats;
    afterAll(() => appendFileSync(statsFile, `${JSON.stringify({ file: expect.getState().testPath, ...stats })}\n`));
  }
}
