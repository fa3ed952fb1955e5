/**
 * The configuration fails closed in the process as operators run it (`src/server.ts` with
 * `npm start`'s Node flags): a variable in the gateway's namespaces that it does not read stops the
 * start before anything listens, naming the variable meant; a gateway that will refuse every request
 * without a token of its own says so at warn.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { request } from 'undici';
import { useFixtures } from '../helpers/fixtures.js';
import { freePort } from '../helpers/ports.js';
import { startServer } from '../helpers/server-process.js';

const ROOT = join(__dirname, '..', '..');
const fixtures = useFixtures({ closeAfter: 'each' });

/** The Node flags of `npm start` (heap limit, source maps), read from package.json. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** Whether something accepts connections on the loopback port. */
function listens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * The server process with exactly `env`, until it exits or logs that it is ready (then it is
 * stopped): its exit code, its output, and whether its port ever took a connection meanwhile.
 */
async function runUntilExitOrReady(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...startFlags(), '--import', 'tsx', join(ROOT, 'src', 'server.ts')],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let running = true;
  void exited.then(() => {
    running = false;
  });
  let listened = false;
  try {
    while (running) {
      const ready = stdout.includes('GraphQL gateway ready');
      if (await listens(port)) listened = true;
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    if (running) child.kill('SIGTERM');
  }
  return { code: await exited, stdout, stderr, listened };
}

describe('a variable in the gateway`s namespaces that it does not read', () => {
  it('stops the process with exit code 1 before it listens, naming the variable meant', async () => {
    const run = await runUntilExitOrReady({ REDIS_ULR: 'redis://:pw-XYZZY@127.0.0.1:6379/0' });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      'Invalid configuration:',
      'REDIS_ULR=(set): is not a variable the gateway reads, so it would be ignored; did you mean REDIS_URL?',
    ]);
    // Nothing logged at all: no emulator started, no port bound.
    expect(run.stdout).toBe('');
    expect(run.listened).toBe(false);
  });

  it('without it the same process starts, and is seen to listen', async () => {
    const run = await runUntilExitOrReady({});
    expect(run.stdout).toContain('GraphQL gateway ready');
    expect(run.listened).toBe(true);
  });
});

describe('real HSS with no service identity, callers not required to bring a token', () => {
  const WARNING = 'no service identity against real HSS: every request without a token of its own';

  it('warns at start-up that every request without a token is refused, and they are', async () => {
    const hss = `http://127.0.0.1:${await freePort()}`;
    const server = await startServer({ HSS_ENDPOINT: hss, HSS_PROJECT_ID: 'p' });
    fixtures.adopt({ close: () => server.stop() });
    const warning = server.lines.find((line) => String(line.msg).startsWith(WARNING));
    expect(warning).toMatchObject({
      level: 40,
      upstream: hss,
      msg: expect.stringContaining(
        'refused UNAUTHENTICATED; configure a service identity (HSS_AUTH_TOKEN, HSS_ACCESS_KEY with its secret key, or IAM_DOMAIN_NAME, IAM_USERNAME and IAM_PASSWORD), or set HSS_REQUIRE_CALLER_TOKEN=true',
      ),
    });
    const response = await request(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ portStatistics { totalCount } }' }),
    });
    const body = (await response.body.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'NO_CREDENTIALS' });
  });

  it('does not warn with a service identity, or with HSS_REQUIRE_CALLER_TOKEN=true', async () => {
    const hss = `http://127.0.0.1:${await freePort()}`;
    const settings: Record<string, string>[] = [
      { HSS_AUTH_TOKEN: 't' },
      { HSS_REQUIRE_CALLER_TOKEN: 'true' },
    ];
    for (const env of settings) {
      const server = await startServer({ HSS_ENDPOINT: hss, HSS_PROJECT_ID: 'p', ...env });
      fixtures.adopt({ close: () => server.stop() });
      // Start-up warnings come before the ready line, which startServer waited for.
      expect(server.lines.filter((line) => String(line.msg).startsWith(WARNING))).toEqual([]);
      expect(server.lines.filter((line) => line.level === 40)).toEqual([]);
    }
  });
});
