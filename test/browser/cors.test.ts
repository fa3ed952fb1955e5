/**
 * A dashboard on another origin, in headless Chromium: its page calls the gateway cross-origin with
 * every header the docs tell teams to send (a bearer token, W3C trace context, Apollo's client
 * awareness, a request id), and its script reads what the gateway answers for it to act on: the
 * request id, and Retry-After once the caller's budget is spent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, describeWithChromium } from '../helpers/chromium.js';
import { ManualClock } from '../helpers/clock.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const count = (port: number) => `{ portStatistics(filter: { port: ${port} }) { totalCount } }`;

describeWithChromium('a cross-origin dashboard in headless Chromium', () => {
  const fixtures = useFixtures();
  let dashboard: Server;
  let dashboardOrigin: string;
  let gw: RunningGateway;
  let browser: Browser;
  beforeAll(async () => {
    // The dashboard's own origin: another port is another origin to the browser.
    dashboard = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>dashboard</title>');
    });
    await new Promise<void>((resolve) => dashboard.listen(0, '127.0.0.1', resolve));
    dashboardOrigin = `http://127.0.0.1:${(dashboard.address() as AddressInfo).port}`;
    const clock = new ManualClock();
    const hss = await fixtures.emulator({ now: clock.now });
    gw = await fixtures.gateway(
      hss,
      { CORS_ORIGINS: dashboardOrigin, HSS_RATE_LIMIT_PER_MINUTE: '1', CACHE_TTL_SECONDS: '0' },
      { now: clock.now },
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => dashboard?.close(resolve));
  });

  it('sends the documented headers and reads x-request-id and Retry-After from script', async () => {
    const page = await browser.newPage();
    await page.goto(dashboardOrigin);
    const answers = await page.evaluate(
      async ({ endpoint, first, second }) => {
        const ask = async (query: string, requestId: string) => {
          const response = await fetch(endpoint, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'application/graphql-response+json, application/json',
              authorization: 'Bearer t',
              'x-request-id': requestId,
              traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
              tracestate: 'vendor=opaque',
              'apollographql-client-name': 'security-dashboard',
              'apollographql-client-version': '2.4.1',
            },
            body: JSON.stringify({ query }),
          });
          const body = await response.json();
          return {
            status: response.status,
            requestId: response.headers.get('x-request-id'),
            retryAfter: response.headers.get('retry-after'),
            code: body.errors?.[0]?.extensions?.code ?? null,
            totalCount: body.data?.portStatistics?.totalCount ?? null,
          };
        };
        // The caller's budget is one call a minute: the second distinct question is refused.
        return [await ask(first, 'dash-1'), await ask(second, 'dash-2')];
      },
      { endpoint: `${gw.url}/graphql`, first: count(22), second: count(80) },
    );
    expect(answers[0]).toMatchObject({ status: 200, requestId: 'dash-1', retryAfter: null, code: null });
    expect(answers[0]?.totalCount).toEqual(expect.any(Number));
    expect(answers[1]).toMatchObject({ status: 200, requestId: 'dash-2', code: 'RATE_LIMITED' });
    expect(Number(answers[1]?.retryAfter)).toBeGreaterThan(0);
  }, 60_000);

  it('gives other origins nothing to read', async () => {
    // localhost is not 127.0.0.1 to a browser: the same page on an origin CORS_ORIGINS does not name.
    const elsewhere = await browser.newPage();
    await elsewhere.goto(`http://localhost:${new URL(dashboardOrigin).port}`);
    const outcome = await elsewhere.evaluate(async (endpoint) => {
      try {
        await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ rateLimit { used } }' }),
        });
        return 'read';
      } catch {
        return 'blocked';
      }
    }, `${gw.url}/graphql`);
    expect(outcome).toBe('blocked');
  }, 60_000);
});
