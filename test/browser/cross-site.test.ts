/**
 * A page on any other web site, in headless Chromium, makes the browser of someone who can reach
 * the gateway send it queries: as images, scripts, `fetch` in `no-cors` mode, a GET form and a
 * `text/plain` POST, none of which needs a CORS preflight. None of them spends HSS's quota (the
 * gateway runs as shipped, the emulator enforces HSS's): GETs without a header that needs a
 * preflight are answered from what is already fetched, simple POSTs are refused. A caller of the
 * gateway is served after.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, describeWithChromium } from '../helpers/chromium.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

describeWithChromium('a page on another site in headless Chromium', () => {
  const fixtures = useFixtures();
  let hostile: Server;
  let hostileOrigin: string;
  let hss: RunningEmulator;
  let gw: RunningGateway;
  let browser: Browser;
  beforeAll(async () => {
    hss = await fixtures.emulator({ acceptAnyToken: false, tokens: ['t'], rowsPerScope: 5000 });
    gw = await fixtures.gateway(hss, {}, { asShipped: true });
    const query = (port: number) =>
      `${gw.url}/graphql?query=${encodeURIComponent(`{ portStatistics(filter: { port: ${port} }) { totalCount } }`)}`;
    // What the hostile page embeds: every way a page sends a request without asking the gateway first.
    const page = `<!doctype html><title>cat pictures</title>
      <img src="${query(1)}"><img src="${query(2)}">
      <script src="${query(3)}"></script>
      <form id="get" method="GET" action="${gw.url}/graphql" target="sink"><input name="query" value="{ portStatistics(filter: { port: 4 }) { totalCount } }"></form>
      <form id="post" method="POST" action="${gw.url}/graphql" enctype="text/plain" target="sink2"><input name='{"query":"{ portStatistics(filter: { port: 5 }) { totalCount } }","x":"' value='"}'></form>
      <!-- Two frames: GraphiQL, the GET form's answer, may not be framed, and its frame stays blocked. -->
      <iframe name="sink"></iframe><iframe name="sink2"></iframe>
      <script>
        window.sent = Promise.all([
          fetch(${JSON.stringify(query(6))}, { mode: 'no-cors' }),
          fetch(${JSON.stringify(query(7))}, { mode: 'no-cors', credentials: 'include' }),
        ]).then(() => 'sent', (e) => String(e));
      </script>`;
    hostile = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(page));
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    hostileOrigin = `http://localhost:${(hostile.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => hostile?.close(resolve));
  });

  it('makes the browser send queries that spend none of HSS`s quota; the next caller is served', async () => {
    const page = await browser.newPage();
    // What the browser sent the gateway, and when each was done (answered, or blocked by the browser).
    const reached: string[] = [];
    const done: Promise<unknown>[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(`${gw.url}/graphql`)) return;
      reached.push(request.method());
      done.push(
        new Promise((settled) => {
          const mine = (other: typeof request) => other === request && settled(undefined);
          page.on('requestfinished', mine);
          page.on('requestfailed', mine);
        }),
      );
    });
    await page.goto(hostileOrigin, { waitUntil: 'load' });
    expect(await page.evaluate('window.sent')).toBe('sent');
    for (const form of ['get', 'post']) {
      await Promise.all([
        page.waitForEvent('request', (request) => request.url().startsWith(`${gw.url}/graphql`)),
        page.evaluate((id) => (document.getElementById(id) as HTMLFormElement).submit(), form),
      ]);
    }
    await Promise.all(done);
    await page.close();
    // Every request reached the gateway, and none made it call HSS.
    expect(reached.filter((method) => method === 'GET').length).toBeGreaterThanOrEqual(6);
    expect(reached).toContain('POST');
    expect(hss.received.filter((r) => r.path.startsWith('/v5/'))).toEqual([]);
    const answer = await gw.graphql('{ portStatistics(filter: { port: 8 }) { totalCount } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.portStatistics.totalCount).toEqual(expect.any(Number));
  }, 60_000);
});
