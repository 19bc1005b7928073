// The "audit" chat command's cards: a summary with one clear next step an admin can take from
// Teams (or the admin center), the campaign command shown with its placeholders, and no command
// to run on a server.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { auditTenant } from '../../src/audit';
import { auditInstructionsCard, auditSummaryCard } from '../../src/audit/chat-summary';
import { cardProblems, nodes, words } from '../cards/check-card';

const demo = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'demo-tenant.json'), 'utf8'));
const summary = auditSummaryCard(auditTenant(demo, { at: new Date(demo.demoClock) }));

/** Text Teams renders as markdown (where "<group>" would be taken for an HTML tag and dropped). */
const markdownText = (card: object) => nodes(card).filter((n) => n.type === 'TextBlock' || n.type === 'FactSet').map((n) => JSON.stringify(n)).join('\n');
/** Text shown as typed (TextRuns are never markdown). */
const runs = (card: object) => nodes(card).filter((n) => n.type === 'TextRun').map((n) => String(n.text)).join('\n');

describe.each([
  ['the summary (offline demo)', summary],
  ['the online answer', auditInstructionsCard()],
])('%s', (_name, card) => {
  it('is a valid card that tells no one to run an npm script in Teams', () => {
    expect(cardProblems(card, null)).toEqual([]);
    expect(words(card)).not.toMatch(/npm|--snapshot|export-tenant/);
  });

  it('says what to do next, and shows the campaign command with its placeholders as typed', () => {
    expect(words(card)).toMatch(/Next step: /);
    expect(runs(card)).toContain('campaign start <group> <date>');
    expect(markdownText(card)).not.toMatch(/<[a-z]+>/);
  });
});

it('the summary names the totals and the policies that block, and the next step starts with the one blocking most', () => {
  const text = words(summary);
  expect(text).toMatch(/^Passkey readiness: Contoso \(demo\)$/m);
  expect(text).toMatch(/\d+ of \d+ users cannot add a passkey/);
  expect(text).toContain('Passkey pilot: passkey in Authenticator everywhere');
  // The tenant has the split design ("Wave 1"): the next step extends it rather than proposing another.
  expect(text).toMatch(/Next step: .*split design you already have \("Wave 1 mobile: TAP or passkey"/);
});
