/**
 * Identical requests in flight share one answer: the pipeline runs once, each joiner is sent its
 * bytes with a cost of its own, errors included; a request that differs in a byte that decides the
 * answer (here, Accept) runs itself.
 */
import { request } from 'undici';
import { useFixtures } from '../helpers/fixtures.js';

const perTest = useFixtures({ closeAfter: 'each' });
const QUERY = JSON.stringify({ query: '{ portStatistics { totalCount } }' });

const post = (url: string, accept = 'application/json') =>
  request(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept },
    body: QUERY,
  }).then(async (r) => (await r.body.json()) as { data?: any; errors?: unknown[]; extensions: any });

describe('identical requests in flight', () => {
  it('share one answer: the pipeline runs once, each joiner has its own cost', async () => {
    const hss = await perTest.emulator({ faults: { latencyMs: 300 } });
    const gw = await perTest.gateway(hss);
    const answers = await Promise.all([post(gw.url), post(gw.url), post(gw.url), post(gw.url)]);
    const lines = gw.logs.entries().filter((e) => e.msg === 'graphql request');
    expect(lines.map((l) => l.served).sort()).toEqual(['hss', 'joined', 'joined', 'joined']);
    const costs = answers.map((a) => a.extensions.cost);
    expect(costs.filter((c) => c.upstreamCalls === 1)).toHaveLength(1);
    expect(costs.filter((c) => c.upstreamCalls === 0 && c.sharedCalls === 1)).toHaveLength(3);
    const counts = new Set(answers.map((a) => a.data.portStatistics.totalCount));
    expect(counts.size).toBe(1);
  });

  it('a different Accept is a different answer: it runs itself', async () => {
    const hss = await perTest.emulator({ faults: { latencyMs: 300 } });
    const gw = await perTest.gateway(hss);
    await Promise.all([post(gw.url), post(gw.url, 'application/graphql-response+json')]);
    const served = gw.logs
      .entries()
      .filter((e) => e.msg === 'graphql request')
      .map((l) => l.served);
    expect(served).not.toContain('joined');
  });

  it('an answer with errors is shared too, and its codes are in each joiner`s log line', async () => {
    const hss = await perTest.emulator({ faults: { latencyMs: 300, next: ['status-500'] } });
    const gw = await perTest.gateway(hss, { HSS_RETRY_MAX: '0' });
    const answers = await Promise.all([post(gw.url), post(gw.url), post(gw.url)]);
    expect(answers.filter((a) => a.errors)).toHaveLength(3);
    expect(hss.received.filter((r) => r.path.startsWith('/v5/'))).toHaveLength(1);
    const lines = gw.logs.entries().filter((e) => e.msg === 'graphql request');
    expect(lines.map((l) => [l.served, l.errors])).toEqual(
      expect.arrayContaining([['joined', ['UPSTREAM_ERROR']]]),
    );
  });
});
