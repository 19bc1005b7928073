// Renders Adaptive Cards the way a phone shows them: the adaptivecards SDK's own HTML renderer in
// headless Chromium, in a column of a phone's width, with host settings close to Teams mobile
// (its font sizes and spacing). Measures the rendered height and takes screenshots for docs/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM } from './requires';

const ROOT = join(__dirname, '..', '..');
const SDK = readFileSync(join(ROOT, 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.min.js'), 'utf8');
const CSS = readFileSync(join(ROOT, 'node_modules', 'adaptivecards', 'dist', 'adaptivecards.css'), 'utf8');

/** A phone's width in CSS pixels (most Android phones: 360–412). */
export const PHONE_WIDTH = 360;
/** What a phone shows of a chat at once, below Teams' header and above the compose box (CSS px). */
export const PHONE_SCREEN = 640;

/** Teams-like host config: Segoe UI 14 px body, a 12 px card padding, full-width buttons. */
const HOST_CONFIG = {
  fontFamily: "'Segoe UI', 'Helvetica Neue', Arial, sans-serif",
  spacing: { small: 4, default: 8, medium: 12, large: 16, extraLarge: 24, padding: 12 },
  separator: { lineThickness: 1, lineColor: '#E1E1E1' },
  fontSizes: { small: 12, default: 14, medium: 16, large: 18, extraLarge: 24 },
  fontWeights: { lighter: 200, default: 400, bolder: 600 },
  supportsInteractivity: true,
  actions: { maxActions: 5, spacing: 'default', buttonSpacing: 8, showCard: { actionMode: 'inline', inlineTopMargin: 8 }, actionsOrientation: 'vertical', actionAlignment: 'stretch' },
  containerStyles: {
    default: { backgroundColor: '#FFFFFF', foregroundColors: { default: { default: '#242424', subtle: '#616161' }, accent: { default: '#5B5FC7', subtle: '#5B5FC7' }, good: { default: '#0E700E', subtle: '#0E700E' }, attention: { default: '#C4314B', subtle: '#C4314B' } } },
    emphasis: { backgroundColor: '#F5F5F5' },
  },
};

export class CardRenderer {
  private constructor(private readonly browser: Browser, private readonly page: Page) {}

  static async start(): Promise<CardRenderer> {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    const page = await browser.newPage({ viewport: { width: PHONE_WIDTH, height: PHONE_SCREEN }, deviceScaleFactor: 2 });
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"><style>${CSS}
      body { margin: 0; background: #F5F5F5; } #card { width: ${PHONE_WIDTH - 16}px; margin: 8px; background: #fff; border-radius: 6px; overflow: hidden; }</style></head>
      <body><div id="card"></div><script>${SDK}</script></body></html>`);
    return new CardRenderer(browser, page);
  }

  /** Renders the card (hidden elements stay hidden) and returns its height in CSS pixels. */
  async render(card: object, screenshot?: string): Promise<number> {
    const height = await this.page.evaluate(
      ({ card, hostConfig }) => {
        const AC = (window as unknown as { AdaptiveCards: any }).AdaptiveCards;
        const target = document.getElementById('card')!;
        target.innerHTML = '';
        const ac = new AC.AdaptiveCard();
        ac.hostConfig = new AC.HostConfig(hostConfig);
        ac.parse(card);
        target.appendChild(ac.render());
        return Math.ceil(target.getBoundingClientRect().height);
      },
      { card, hostConfig: HOST_CONFIG },
    );
    if (screenshot) await this.page.locator('#card').screenshot({ path: screenshot });
    return height;
  }

  /** What the last rendered card shows, as a reader sees it (hidden elements excluded). */
  async visibleText(): Promise<string> {
    return this.page.locator('#card').innerText();
  }

  async stop(): Promise<void> {
    await this.browser.close();
  }
}
