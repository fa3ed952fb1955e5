/**
 * GraphiQL in a real browser: the gateway with no configuration, /graphql opened in headless
 * Chromium, the example query run with the page's own run button, the answer read off the page;
 * and not one request made outside the gateway's origin. The screenshot is kept as an artifact
 * (test-artifacts/graphiql.png, or $ARTIFACTS_DIR).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, describeWithChromium } from '../helpers/chromium.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const ARTIFACTS = process.env.ARTIFACTS_DIR ?? join(__dirname, '..', '..', 'test-artifacts');

describeWithChromium('GraphiQL in headless Chromium', () => {
  const fixtures = useFixtures();
  let gw: RunningGateway;
  let browser: Browser;
  beforeAll(async () => {
    gw = await fixtures.gateway(undefined);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('runs the example query with the run button and shows the answer, loading nothing from elsewhere', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));

    const opened = await page.goto(`${gw.url}/graphql`);
    // Never framed by another site (its requests count as the gateway's own: same-origin).
    expect(opened?.headers()).toMatchObject({
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
    });
    const run = page.locator('.graphiql-execute-button');
    await run.waitFor({ state: 'visible', timeout: 30_000 });
    await run.click();
    const result = page.locator('.graphiql-response');
    await result.getByText('"totalCount"').first().waitFor({ timeout: 30_000 });
    // The editor wraps long lines and shows spaces as no-break spaces: compare on normalised text.
    const shown = ((await result.textContent()) ?? '').replace(/\s+/g, ' ');

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'graphiql.png') });

    expect(shown).toContain('"portStatistics"');
    expect(shown).toContain('"status": "DANGER"');
    expect(shown).toContain('"servers"');
    expect(shown).not.toContain('"errors"');
    const origin = new URL(gw.url).origin;
    const elsewhere = requested.filter(
      (url) => !url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:'),
    );
    expect(elsewhere).toEqual([]);
    expect(requested.some((url) => url.startsWith(`${origin}/graphql`))).toBe(true);
  }, 60_000);

  it('runs a live list and shows the renewed rows when HSS renews its statistics', async () => {
    const live = await fixtures.gateway(undefined, { LIVE_TICK_SECONDS: '1', CACHE_TTL_SECONDS: '1' });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const subscription =
      'subscription { portStatistics(filter: { status: DANGER }, first: 3) { nodes { port num } } }';
    await page.goto(`${live.url}/graphql?query=${encodeURIComponent(subscription)}`);
    const run = page.locator('.graphiql-execute-button');
    await run.waitFor({ state: 'visible', timeout: 30_000 });
    await run.click();
    const result = page.locator('.graphiql-response');
    await result.getByText('"num"').first().waitFor({ timeout: 30_000 });
    const text = async () => ((await result.textContent()) ?? '').replace(/\s+/g, ' ');
    const first = await text();
    // HSS renews its statistics: the page shows the new rows, pushed, with nothing clicked.
    const renewed = await fetch(`${live.gateway.emulator?.url}/__emulator/estate/renew`, { method: 'POST' });
    expect(renewed.status).toBe(200);
    await page.waitForFunction(
      (before) => {
        const now = document.querySelector('.graphiql-response')?.textContent?.replace(/\s+/g, ' ');
        return Boolean(now?.includes('"num"')) && now !== before;
      },
      first,
      { timeout: 30_000 },
    );
    expect(await text()).not.toEqual(first);
  }, 90_000);
});
