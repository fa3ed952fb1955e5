/**
 * The process as operators run it (helpers/server-process.ts: `src/server.ts`, `npm start`'s heap
 * limit): it binds PORT, serves, and on SIGTERM lets an in-flight request finish before it stops
 * the upstream connections and the embedded emulator.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { request } from 'undici';
import { useFixtures } from './helpers/fixtures.js';
import { pageAnswer } from './helpers/scripted-upstream.js';
import { startServer } from './helpers/server-process.js';

const perTest = useFixtures({ closeAfter: 'each' });

async function graphql(url: string, query: string) {
  const response = await request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  return {
    status: response.statusCode,
    body: (await response.body.json()) as { data?: { portStatistics: { totalCount: number } } },
  };
}

describe('the server process', () => {
  it('with no configuration serves the embedded demo, then exits 0 on SIGTERM having stopped the emulator', async () => {
    const server = await startServer({});
    expect(server.lines.some((l) => String(l.msg).includes('embedded HSS emulator'))).toBe(true);
    const answer = await graphql(server.url, '{ portStatistics { totalCount } }');
    expect(answer.body.data?.portStatistics.totalCount).toBeGreaterThan(0);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.lines.at(-1)?.msg).toBe('stopped');
  });

  it('lets an in-flight request finish on SIGTERM', async () => {
    let release: () => void = () => undefined;
    let arrived: () => void = () => undefined;
    const upstreamReached = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const upstream = await perTest.scripted((_request, res) => {
      release = () => {
        const answer = pageAnswer(42, []);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      };
      arrived();
      return undefined;
    });
    const server = await startServer({
      HSS_ENDPOINT: upstream.url,
      HSS_PROJECT_ID: 'p',
      HSS_AUTH_TOKEN: 't',
    });
    const inFlight = graphql(server.url, '{ portStatistics { totalCount } }');
    await upstreamReached;
    server.child.kill('SIGTERM');
    // The server has begun to stop: only then does the upstream answer.
    await server.logged('shutting down');
    release();
    expect((await inFlight).body.data?.portStatistics.totalCount).toBe(42);
    expect(await server.exited).toBe(0);
  });

  it('exits 0 on SIGTERM within SHUTDOWN_TIMEOUT_SECONDS while an upstream call drips for ever', async () => {
    const drips: import('node:http').ServerResponse[] = [];
    const upstream = await perTest.scripted((_request, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"total_num": 1');
      drips.push(res);
      return undefined;
    });
    const dripper = setInterval(() => {
      for (const res of drips) if (!res.destroyed) res.write(' ');
    }, 100);
    try {
      const server = await startServer({
        HSS_ENDPOINT: upstream.url,
        HSS_PROJECT_ID: 'p',
        HSS_AUTH_TOKEN: 't',
        // Only shutdown can end this call.
        HSS_TIMEOUT_MS: '600000',
        GRAPHQL_DEADLINE_MS: '600000',
        SHUTDOWN_TIMEOUT_SECONDS: '1',
      });
      const inFlight = graphql(server.url, '{ portStatistics { totalCount } }').catch(
        (error: Error) => error,
      );
      while (drips.length === 0) await new Promise((resolve) => setImmediate(resolve));
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      await inFlight;
    } finally {
      clearInterval(dripper);
    }
  }, 25_000);

  it('refuses to start on bad configuration, one line per problem', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'src', 'server.ts')], {
      env: { PATH: process.env.PATH ?? '', PORT: 'x', LOG_LEVEL: 'loud' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      'Invalid configuration:',
      'PORT="x": must be a whole number from 0 to 65535',
      expect.stringMatching(/^LOG_LEVEL="loud": /),
    ]);
  });

  it('on SIGTERM fails readiness at once, keeps serving during SHUTDOWN_DELAY_SECONDS, then exits 0', async () => {
    const server = await startServer({ SHUTDOWN_DELAY_SECONDS: '1' });
    const ready = async () => (await request(`${server.url}/ready`)).statusCode;
    expect(await ready()).toBe(200);
    server.child.kill('SIGTERM');
    await server.logged('shutting down');
    expect(await ready()).toBe(503);
    expect(
      (await graphql(server.url, '{ portStatistics { totalCount } }')).body.data?.portStatistics.totalCount,
    ).toBeGreaterThan(0);
    expect(await server.exited).toBe(0);
  });
});
