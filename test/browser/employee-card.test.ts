// The employee's diagnosis card on a phone: rendered by the adaptivecards SDK in headless Chromium
// at 360 px, as the bot sends it to each demo persona. A blocked employee's card fits one screen;
// the longest (the phone checklist) fits two. Set SCREENSHOTS=1 to refresh docs/employee-card-after.png.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosisCard } from '../../src/cards';
import { tapClears } from '../../src/cards/advice';
import { splitDesignsOf } from '../../src/cards/tenant-design';
import { diagnose } from '../../src/diagnosis';
import { CardRenderer, PHONE_SCREEN } from '../helpers/render-card';
import { CHROMIUM, chromiumUnavailable, requireTool } from '../helpers/requires';
import { tenantFactsOf, userFactsOf } from '../helpers/snapshot-facts';

const ROOT = join(__dirname, '..', '..');
const snapshot = JSON.parse(readFileSync(join(ROOT, 'fixtures', 'demo-tenant.json'), 'utf8'));
const tenant = { splitDesigns: splitDesignsOf(tenantFactsOf(snapshot)) };

const maybe = requireTool('Chromium', chromiumUnavailable(CHROMIUM));

maybe('the employee card on a phone (360 px)', () => {
  let renderer: CardRenderer;
  beforeAll(async () => {
    renderer = await CardRenderer.start();
  });
  afterAll(async () => {
    await renderer?.stop();
  });

  const personas: { id: string; displayName: string }[] = snapshot.users;
  it.each(personas.map((u) => [u.displayName, u.id]))('%s: one screen when blocked, never more than two', async (name, id) => {
    const d = diagnose(tenantFactsOf(snapshot), userFactsOf(snapshot, id), { platform: 'android', osVersion: 15, at: new Date(snapshot.demoClock) });
    const card = diagnosisCard(d, { session: 's', tapOffered: tapClears(d), onPhone: true, tenant });
    const shot = process.env.SCREENSHOTS && name === 'Lena Fischer' ? join(ROOT, 'docs', 'employee-card-after.png') : undefined;
    const height = await renderer.render(card, shot);
    const blocked = d.findings.some((f) => f.blocking);
    expect(height).toBeLessThanOrEqual(blocked ? PHONE_SCREEN : 2 * PHONE_SCREEN);
  });
});
