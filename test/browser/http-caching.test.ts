/**
 * The browser's own HTTP cache never hands caller B what caller A was answered: a page in headless
 * Chromium fetches the same GraphQL URL (a GET query) as A, then as B, and B sees B's answer.
 */
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, describeWithChromium } from '../helpers/chromium.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const QUERY =
  '{ portStatistics(filter: { status: DANGER }, page: { first: 2 }) { totalCount nodes { port } } }';

describeWithChromium('the browser cache in headless Chromium', () => {
  const fixtures = useFixtures();
  let hss: RunningEmulator;
  let gw: RunningGateway;
  let browser: Browser;
  beforeAll(async () => {
    // Only token-a is valid, and there is no service identity.
    hss = await fixtures.emulator({ acceptAnyToken: false, tokens: ['token-a'] });
    gw = await fixtures.gateway(undefined, {
      HSS_ENDPOINT: hss.url,
      HSS_PROJECT_ID: 'p',
      CACHE_TTL_SECONDS: '60',
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('answers B with B`s own answer after A fetched the same URL', async () => {
    const page = await browser.newPage();
    await page.goto(`${gw.url}/health`);
    const answers = await page.evaluate(async (query) => {
      const url = `/graphql?query=${encodeURIComponent(query)}`;
      const as = async (token: string) => {
        const response = await fetch(url, { headers: { accept: 'application/json', 'x-auth-token': token } });
        return { status: response.status, body: await response.json() };
      };
      const a1 = await as('token-a');
      const a2 = await as('token-a');
      const b = await as('token-b');
      return { a1, a2, b };
    }, QUERY);
    expect(answers.a1.body.data.portStatistics.totalCount).toBeGreaterThan(0);
    expect(answers.a2.body.data).toEqual(answers.a1.body.data);
    expect(answers.b.status).toBe(200);
    expect(answers.b.body.data).toEqual({ portStatistics: null }); // none of A's rows
    expect(answers.b.body.errors).toHaveLength(1);
    expect(answers.b.body.errors[0].path).toEqual(['portStatistics']);
    expect(answers.b.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // Whatever the browser revalidated, HSS saw B's token: nothing was answered from A's copy.
    expect(hss.received.filter((r) => r.status === 401).length).toBeGreaterThan(0);
  }, 60_000);
});
