// The conditions and grant controls of the evidence in German and Japanese, for the demo tenant's
// personas: no English clause, label or fact of the engine is left in the evidence and no English
// wording of the conditions catalogue, while the tenant's names (policies, groups, roles,
// locations, phones, passkeys) and the strengths' names stay exactly as written.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evidenceSentence } from '../../src/cards/evidence-words';
import { diagnose, type ConditionEvidence, type Evidence, type GrantEvidence, type RegistrationContext } from '../../src/diagnosis';
import { parseSignIn } from '../../src/graph/sign-ins';
import { loadCatalog, messagesFor } from '../../src/i18n';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';

const ROOT = join(__dirname, '..', '..');
const demo = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo-tenant.json'), 'utf8'));
const at = new Date(demo.demoClock);
const signIns = (demo.signIns ?? []).map(parseSignIn).filter(Boolean);

const CONTEXTS: Partial<RegistrationContext>[] = [
  { platform: 'android', osVersion: 15 },
  { platform: 'iOS', osVersion: 18 },
  { platform: 'android', androidProfile: 'work', passkeyProfile: 'personal' },
];

/** Every evidence item of every demo persona in every context. */
const ITEMS: Evidence[] = demo.users.flatMap((u: { id: string }) =>
  CONTEXTS.flatMap((context) =>
    diagnose(tenantFactsOf(demo), userFactsOf(demo, u.id), { platform: 'android', ...context, at }, { signIns: { signIns: signIns.filter((s: { userId: string }) => s.userId === u.id) } }).findings.flatMap(
      (f) => f.evidence,
    ),
  ),
);

function parts(e: Evidence): { conditions: ConditionEvidence[]; grants: GrantEvidence[] } {
  if (e.kind === 'policy') return { conditions: e.conditions, grants: [e.grant] };
  if (e.kind === 'observed-policy') {
    const inner = (e.predicted ?? []).map(parts);
    return { conditions: inner.flatMap((p) => p.conditions), grants: [e.grant, ...inner.flatMap((p) => p.grants)] };
  }
  return { conditions: [], grants: [] };
}

/** The names the tenant wrote that an item's conditions and controls carry. */
function names(e: Evidence): string[] {
  const { conditions, grants } = parts(e);
  const out: string[] = [];
  if (e.kind === 'policy' || e.kind === 'observed-policy') out.push(e.policy.name);
  for (const c of conditions) {
    const d = c.detail;
    if (d?.is === 'users' && (d.via === 'group' || d.via === 'role')) out.push(d.name);
    if (d?.is === 'locations') for (const l of [...d.include, ...d.exclude]) if (l.location === 'named') out.push(l.name);
    if (d?.is === 'deviceFilter') out.push(d.rule, ...(d.device?.phones ?? []));
  }
  for (const g of grants) {
    for (const c of g.controls) if (c.ref?.control === 'authenticationStrength' && c.ref.name) out.push(c.ref.name);
    for (const c of g.failing) {
      if (c.fact?.is === 'cannot-present') for (const m of c.fact.methods) if (m.method === 'passkey') out.push(m.name);
      if (c.fact?.is === 'compliant-phone') out.push(c.fact.name);
    }
  }
  return out;
}

/** The English literal wording of the conditions catalogue (no placeholders, no ICU syntax), long enough to be a phrase. */
function englishPhrases(other: ReadonlyMap<string, string>): string[] {
  const en = loadCatalog('en');
  const phrases = new Set<string>();
  for (const [key, source] of en) {
    if (!key.startsWith('conditions.')) continue;
    for (const piece of source.split(/[{}]/)) {
      const text = piece.trim();
      if (text.length < 12 || /, (select|plural),/.test(piece) || /^[a-zA-Z]+, (select|plural)/.test(text)) continue;
      // Product names (Microsoft Authenticator, Windows Hello for Business) stay English in every language.
      if ([...other.values()].some((v) => v.includes(text))) continue;
      phrases.add(text);
    }
  }
  return [...phrases];
}

describe.each(['de', 'ja'] as const)('conditions and grant controls of the demo personas in %s', (language) => {
  const m = messagesFor(language);
  const phrases = englishPhrases(loadCatalog(language));

  it('has evidence with conditions and failing controls to check', () => {
    const all = ITEMS.map(parts);
    expect(all.flatMap((p) => p.conditions).length).toBeGreaterThan(10);
    expect(all.flatMap((p) => p.grants.flatMap((g) => g.failing)).length).toBeGreaterThan(5);
    expect(phrases.length).toBeGreaterThan(20);
  });

  it('leaves no English clause, label or fact of the engine, and no English phrase of the catalogue', () => {
    for (const e of ITEMS) {
      const text = evidenceSentence(e, m);
      // The tenant's names may hold English words ("Frontline: approved client apps on mobile").
      const words = names(e).reduce((t, name) => t.split(name).join('<name>'), text);
      const { conditions, grants } = parts(e);
      for (const c of conditions) expect(words).not.toContain(c.clause);
      for (const g of grants) {
        for (const c of g.controls) expect(words).not.toContain(c.label);
        for (const c of g.failing) expect(words).not.toContain(c.why);
      }
      for (const phrase of phrases) expect(words).not.toContain(phrase);
    }
  });

  it('keeps the policy, group, role, location, phone, passkey and strength names as written', () => {
    let checked = 0;
    for (const e of ITEMS) {
      const text = evidenceSentence(e, m);
      for (const name of names(e)) {
        expect(text).toContain(name);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

describe('conditions and controls stored before they were data', () => {
  const de = messagesFor('de');
  const stored: Evidence = {
    kind: 'policy',
    policy: { id: 'p1', name: 'Passkeys everywhere' },
    state: 'enabled',
    event: 'authenticator-sign-in',
    platform: 'android',
    verdict: 'applies',
    conditions: [{ condition: 'users', verdict: 'match', clause: 'users: group "Pilot"' }],
    grant: { operator: 'OR', satisfied: false, controls: [{ kind: 'block', label: 'block access' }], failing: [{ kind: 'block', label: 'block access', why: 'the policy blocks access' }] },
    source: 'local',
  };

  it('are shown as the engine wrote them (a ticket stored before keeps its words)', () => {
    const text = evidenceSentence(stored, de);
    expect(text).toContain('users: group "Pilot"');
    expect(text).toContain('erfordert eines von: block access; the policy blocks access');
  });

  it('with their data the same evidence reads in German', () => {
    const text = evidenceSentence(
      {
        ...stored,
        conditions: [{ ...(stored as { conditions: ConditionEvidence[] }).conditions[0], detail: { is: 'users', via: 'group', name: 'Pilot', nested: true } }],
        grant: {
          ...(stored as { grant: GrantEvidence }).grant,
          controls: [{ kind: 'block', label: 'block access', ref: { control: 'block' } }],
          failing: [{ kind: 'block', label: 'block access', why: 'the policy blocks access', ref: { control: 'block' }, fact: { is: 'blocked' } }],
        },
      } as Evidence,
      de,
    );
    expect(text).toContain('Benutzer: Gruppe „Pilot“ (über eine geschachtelte Gruppe)');
    expect(text).toContain('erfordert eines von: Zugriff blockieren; die Richtlinie blockiert den Zugriff');
  });
});
