// The contract's examples (copied from the shared contracts), run through the pure engine.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosisJson } from '../../src/cards/diagnosis-json';
import { diagnose } from '../../src/diagnosis';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';

const dir = join(__dirname, '..', 'fixtures', 'examples');
const examples = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => ({ file: f, ...JSON.parse(readFileSync(join(dir, f), 'utf8')) }));

describe.each(examples)('$file', (example) => {
  const { args, expected, snapshot } = example;
  // As the contract shows it (policyIds/policyNames, evidence in words).
  const result = diagnosisJson(diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, args.user), {
    platform: args.platform,
    androidProfile: args.androidProfile,
    passkeyProfile: args.passkeyProfile,
    crossDevice: args.crossDevice,
    bluetoothRestricted: args.bluetoothRestricted,
    osVersion: args.osVersion,
    at: new Date(args.at),
  }));

  if (expected.blocking) {
    it('reports exactly the expected blocking policy codes', () => {
      const policyCode = (c: string) => c.startsWith('ca-') || c.startsWith('passkey-') || c === 'authenticator-aaguid-blocked';
      expect(result.findings.filter((f) => f.blocking && policyCode(f.code)).map((f) => f.code).sort()).toEqual([...expected.blocking].sort());
    });
  }
  for (const code of expected.present ?? []) {
    it(`reports ${code}`, () => expect(result.findings.map((f) => f.code)).toContain(code));
  }
  for (const [code, ids] of Object.entries(expected.policyIds ?? {})) {
    it(`names the policies behind ${code}`, () => expect(result.findings.find((f) => f.code === code)?.policyIds.sort()).toEqual([...(ids as string[])].sort()));
  }
  for (const code of expected.workarounds ?? []) {
    it(`offers ${code}`, () => expect(result.workarounds.map((w) => w.code)).toContain(code));
  }
  it('gives evidence for every finding', () => {
    for (const f of result.findings) expect(f.evidence.join(' ').length).toBeGreaterThan(20);
  });
});
