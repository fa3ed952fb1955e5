/**
 * Readiness means this replica can serve, tested on the process as `npm start` runs it: HSS taken
 * away for 90 s leaves `/ready` at 200 while stale answers flow (a load balancer that removed every
 * replica would turn an HSS outage into a full one); it is 503 only where the replica truly cannot
 * serve: shutting down, or told to share the quota through a Redis it has never reached (no block
 * stored, no call it may decide), until Redis answers.
 */
import { setTimeout as wait } from 'node:timers/promises';
import { request } from 'undici';
import { startEmulator } from '../helpers/emulator.js';
import { describeWithRedis, startRedis } from '../helpers/redis.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

const DASHBOARD =
  '{ portStatistics(page: { first: 5 }) { totalCount stale nodes { port } } portStatisticsSummary { totalCount } }';

async function readiness(server: ServerProcess) {
  const response = await request(`${server.url}/ready`);
  return {
    status: response.statusCode,
    body: (await response.body.json()) as { ready: boolean; reason: string; hss: string; redis: string },
  };
}

async function dashboard(server: ServerProcess) {
  const response = await request(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: DASHBOARD }),
  });
  return (await response.body.json()) as {
    data?: { portStatistics: { totalCount: number; stale: boolean } | null } | null;
    errors?: { extensions?: { code?: string } }[];
  };
}

describe('readiness through an HSS outage', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => server?.stop());

  it('HSS away for 90 s: /ready stays 200 while stale answers flow; 503 once shutting down', async () => {
    const hss = await startEmulator();
    server = await startServer({
      HSS_ENDPOINT: hss.url,
      HSS_PROJECT_ID: 'p',
      HSS_AUTH_TOKEN: 't',
      // Answers turn stale within seconds; they are served while HSS is down (stale-if-error).
      CACHE_TTL_SECONDS: '5',
      SHUTDOWN_DELAY_SECONDS: '3',
    });
    expect((await dashboard(server)).data?.portStatistics?.stale).toBe(false);
    await hss.close();
    const lostAt = Date.now();
    const seen: { status: number; hss: string; stale: boolean | undefined }[] = [];
    while (Date.now() - lostAt < 90_000) {
      await wait(5000); // a kubelet's readinessProbe period, and a dashboard's refresh
      const answer = await dashboard(server);
      const { status, body } = await readiness(server);
      seen.push({ status, hss: body.hss, stale: answer.data?.portStatistics?.stale });
    }
    expect(seen.length).toBeGreaterThanOrEqual(17);
    for (const check of seen) expect(check).toEqual({ status: 200, hss: expect.any(String), stale: true });
    // How HSS looks is said, not acted on.
    expect(seen.at(-1)?.hss).toMatch(/^(not reachable|failing \(circuit open\))/);

    server.child.kill('SIGTERM');
    await server.logged('shutting down');
    expect(await readiness(server)).toMatchObject({ status: 503, body: { reason: 'shutting down' } });
  }, 150_000);
});

describeWithRedis('readiness with a Redis never reached', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => server?.stop());

  it('is 503 and makes no call until Redis answers, then 200', async () => {
    const hss = await startEmulator();
    const redis = await startRedis();
    await redis.close(); // its port known, nobody listening
    try {
      server = await startServer({
        HSS_ENDPOINT: hss.url,
        HSS_PROJECT_ID: 'p',
        HSS_AUTH_TOKEN: 't',
        REDIS_URL: redis.url,
      });
      const before = await readiness(server);
      expect(before).toMatchObject({ status: 503, body: { ready: false, redis: 'never-connected' } });
      expect(before.body.reason).toMatch(/^Redis \(REDIS_URL\) has not been reached since start/);
      // The budgets are safe meanwhile: a replica that never heard the fleet decides no call alone.
      const answer = await dashboard(server);
      expect(answer.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      expect(hss.received.filter((r) => r.path.startsWith('/v5/'))).toEqual([]);

      await redis.restart();
      await server.logged('Redis reachable again');
      expect(await readiness(server)).toMatchObject({
        status: 200,
        body: { ready: true, redis: 'connected' },
      });
    } finally {
      await redis.close();
      await hss.close();
    }
  });
});
