// The employee's diagnosis card in German and Japanese on a phone (360 px), rendered by the
// adaptivecards SDK in headless Chromium: Lena's registration loop, as the bot sends it to an
// employee whose Teams speaks that language. The title and the first step are on screen in the
// language, the blocking policy keeps the name the tenant gave it (in the IT team's section), and
// the card still fits one screen. Set SCREENSHOTS=1 to refresh docs/employee-card-de.png and docs/employee-card-ja.png
// (the Japanese one needs a CJK font: `apt-get install fonts-noto-cjk`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosisCard } from '../../src/cards';
import { tapClears } from '../../src/cards/advice';
import { splitDesignsOf } from '../../src/cards/tenant-design';
import { diagnose } from '../../src/diagnosis';
import { messagesFor } from '../../src/i18n';
import { CardRenderer, PHONE_SCREEN } from '../helpers/render-card';
import { CHROMIUM, chromiumUnavailable, requireTool } from '../helpers/requires';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';

const ROOT = join(__dirname, '..', '..');
const snapshot = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo-tenant.json'), 'utf8'));
const tenant = { splitDesigns: splitDesignsOf(tenantFactsOf(snapshot)) };
const lena = snapshot.users.find((u: { displayName: string }) => u.displayName === 'Lena Fischer');

const maybe = requireTool('Chromium', chromiumUnavailable(CHROMIUM));

maybe('the diagnosis card in German and Japanese on a phone (360 px)', () => {
  let renderer: CardRenderer;
  beforeAll(async () => {
    renderer = await CardRenderer.start();
  });
  afterAll(async () => {
    await renderer?.stop();
  });

  const d = diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, lena.id), { platform: 'android', osVersion: 15, at: new Date(snapshot.demoClock) });
  const policy = d.findings.find((f) => f.blocking)!.policies[0].name;

  it.each([
    ['de', 'Authenticator', 'Was Sie tun können'],
    ['ja', 'Authenticator', 'パスキー'],
  ] as const)('%s: the words are the language, the policy keeps its name, one screen', async (language, product, phrase) => {
    const m = messagesFor(language);
    const card = diagnosisCard(d, { session: 's', tapOffered: tapClears(d), onPhone: true, tenant }, m);
    const shot = process.env.SCREENSHOTS ? join(ROOT, 'docs', `employee-card-${language}.png`) : undefined;
    const height = await renderer.render(card, shot);
    const text = await renderer.visibleText();
    expect(text).toContain(product);
    expect(text).toContain(phrase);
    // The policy is named (as the tenant wrote it) in the collapsed section for the IT team.
    expect(JSON.stringify(card)).toContain(policy);
    // The English card's title and first heading are nowhere on it.
    const english = await renderer.render(diagnosisCard(d, { session: 's', tapOffered: tapClears(d), onPhone: true, tenant }), undefined).then(() => renderer.visibleText());
    const englishTitle = english.split('\n').find((l) => l.trim().length > 10)!;
    expect(text).not.toContain(englishTitle);
    expect(height).toBeLessThanOrEqual(PHONE_SCREEN);
  });
});
