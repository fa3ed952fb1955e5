/**
 * Memory stays bounded whatever callers send: the process as operators run it, with a heap limit
 * well under the deployment's memory limit (deploy/: 320Mi), answers 500 distinct operations of
 * `first: 1000` each (what an attacker would send to fill the caches) and is still alive, within
 * that limit, afterwards.
 */
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { startServer } from './helpers/server-process.js';

const HEAP_LIMIT_MB = 128;
const DEPLOYMENT_LIMIT_MB = 320;

/** Peak resident memory of a process, in MB (Linux's VmHWM). */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

describe('500 distinct first: 1000 operations', () => {
  it(`keep the process alive, under ${DEPLOYMENT_LIMIT_MB} MB, with a ${HEAP_LIMIT_MB} MB heap`, async () => {
    // LOG_LEVEL=warn keeps the ready line: it is logged at info, so lift the level for it alone.
    const server = await startServer(
      { EMULATOR_ROWS_PER_SCOPE: '1000', LOG_LEVEL: 'info' },
      { heapMb: HEAP_LIMIT_MB },
    );
    const { url, child } = server;
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
      expect(server.alive).toBe(true);
      expect(peakRssMb(child.pid as number)).toBeLessThan(DEPLOYMENT_LIMIT_MB);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
