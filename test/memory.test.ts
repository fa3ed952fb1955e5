/**
 * Memory stays bounded whatever callers send: the process as operators run it, with a heap limit
 * well under the deployment's memory limit (deploy/: 256Mi), answers 500 distinct operations of
 * `first: 1000` each (what an attacker would send to fill the caches) and is still alive, within
 * that limit, afterwards.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { auditLog } from './helpers/log-capture.js';

const HEAP_LIMIT_MB = 128;
const DEPLOYMENT_LIMIT_MB = 256;

/** Peak resident memory of a process, in MB (Linux's VmHWM). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_LIMIT_MB}`, '--import', 'tsx', join(__dirname, '..', 'src', 'server.ts')],
    {
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      auditLog(line);
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg?.startsWith('GraphQL gateway ready')) resolve(`http://127.0.0.1:${entry.port}`);
    });
    child.once('exit', (code) => reject(new Error(`the gateway exited with ${code} before it was ready`)));
  });
  return { child, url };
}

describe('500 distinct first: 1000 operations', () => {
  it(`keep the process alive, under ${DEPLOYMENT_LIMIT_MB} MB, with a ${HEAP_LIMIT_MB} MB heap`, async () => {
    // LOG_LEVEL=warn keeps the ready line: it is logged at info, so lift the level for it alone.
    const { child, url } = await startServer({ EMULATOR_ROWS_PER_SCOPE: '1000', LOG_LEVEL: 'info' });
    let exited: number | null | undefined;
    child.once('exit', (code) => {
      exited = code;
    });
    try {
      const send = async (i: number) => {
        const query = `query Fill${i} { portStatistics(page: { first: 1000 }) { totalCount edges { cursor node { id port type num status } } } }`;
        const response = await request(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        });
        const body = (await response.body.json()) as { data?: { portStatistics: { edges: unknown[] } } };
        expect(body.data?.portStatistics.edges).toHaveLength(1000);
      };
      // Five callers at a time, 500 operations in all.
      for (let i = 0; i < 500; i += 5) await Promise.all([0, 1, 2, 3, 4].map((k) => send(i + k)));
      expect(exited).toBeUndefined();
      expect(peakRssMb(child.pid as number)).toBeLessThan(DEPLOYMENT_LIMIT_MB);
    } finally {
      child.kill('SIGTERM');
      if (exited === undefined) await once(child, 'exit');
    }
  }, 120_000);
});
