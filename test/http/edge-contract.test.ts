/**
 * The edge contract: yoga tells the HTTP handler in front of it how long an answer may be kept and
 * what it cost, in headers of the gateway's own that never leave it, and leaves a marker where the
 * handler writes the cost; a kept answer is told its own cost on every hit, wherever `cost` stands
 * among the answer's keys (no byte surgery that relies on it being last).
 */

import { request } from 'undici';
import { hasCostMarker, withCost } from '../../src/http/answer-cost.js';
import { COST_MARKER } from '../../src/request/edge-contract.js';
import type { CostExtension } from '../../src/request/ledger.js';
import { ManualClock } from '../helpers/clock.js';
import { useFixtures } from '../helpers/fixtures.js';
import { pageAnswer } from '../helpers/scripted-upstream.js';

const fixtures = useFixtures();
const cost = (upstreamCalls: number): CostExtension => ({
  upstreamCalls,
  sharedCalls: 0,
  cachedPages: 1,
  budget: null,
  budgets: { ListPortStatistics: null, ListPortHost: null },
});
const marker = JSON.stringify(COST_MARKER);

describe('the cost written at the marker', () => {
  it('wherever `cost` stands: first, between other extensions, or last', () => {
    for (const answer of [
      `{"extensions":{"cost":${marker},"freshness":{"stale":false}},"data":{"a":1}}`,
      `{"data":{"a":1},"extensions":{"freshness":{"stale":false},"cost":${marker},"other":[1,2]}}`,
      `{"data":{"a":1},"extensions":{"cost":${marker}}}`,
    ]) {
      const body = Buffer.from(answer);
      expect(hasCostMarker(body)).toBe(true);
      const written = JSON.parse(withCost(body, cost(2)).toString());
      expect(written.extensions.cost).toEqual(cost(2));
      expect(written.data).toEqual({ a: 1 });
    }
  });

  it('an answer without the marker, or with it twice, is not the handler`s to keep', () => {
    expect(hasCostMarker(Buffer.from('{"data":{"a":1},"extensions":{"cost":{"upstreamCalls":0}}}'))).toBe(
      false,
    );
    expect(hasCostMarker(Buffer.from(`{"data":{"a":${marker}},"extensions":{"cost":${marker}}}`))).toBe(
      false,
    );
    const plain = Buffer.from('{"data":{"a":1}}');
    expect(withCost(plain, cost(1))).toBe(plain);
  });

  it('the marker is new in every process: no caller can know it', () => {
    expect(COST_MARKER).toMatch(/^hss-gateway-cost-[0-9a-f-]{36}$/);
  });
});

describe('through the gateway', () => {
  it('no header of the gateway`s own leaves it, no marker either; a hit says its own cost', async () => {
    const clock = new ManualClock();
    const hss = await fixtures.emulator({ now: clock.now });
    const gw = await fixtures.gateway(hss, { CACHE_TTL_SECONDS: '60' }, { now: clock.now });
    const query = '{ portStatistics(filter: { category: HOST }) { totalCount } }';
    const miss = await gw.graphql(query);
    const hit = await gw.graphql(query);
    for (const answer of [miss, hit]) {
      expect(Object.keys(answer.headers).filter((name) => name.startsWith('x-hss-gateway'))).toEqual([]);
      expect(JSON.stringify(answer.body)).not.toContain('hss-gateway-cost-');
    }
    expect(miss.body.extensions?.cost).toMatchObject({ upstreamCalls: 1, cachedPages: 0 });
    expect(hit.body.extensions?.cost).toMatchObject({ upstreamCalls: 0, cachedPages: 1 });
    expect(hit.body.data).toEqual(miss.body.data);
    expect(hss.received.filter((r) => r.path.startsWith('/v5/'))).toHaveLength(1);
  });

  it('a hit serves the blocks the answer was built from, not the calls it took (a retry is a call)', async () => {
    let calls = 0;
    const upstream = await fixtures.scripted(() =>
      ++calls === 1
        ? { status: 503, body: { error_code: 'APIGW.0201', error_msg: 'busy' } }
        : pageAnswer(1, [{ port: 22, type: 'TCP', num: 1, status: 'normal' }]),
    );
    const gw = await fixtures.gateway(upstream, { CACHE_TTL_SECONDS: '60', HSS_RETRY_BASE_DELAY_MS: '1' });
    const query = '{ portStatistics(filter: { port: 22 }) { totalCount } }';
    const miss = await gw.graphql(query);
    expect(miss.body.extensions?.cost).toMatchObject({ upstreamCalls: 2, cachedPages: 0 });
    const hit = await gw.graphql(query);
    expect(hit.body.extensions?.cost).toMatchObject({ upstreamCalls: 0, cachedPages: 1 });
    expect(calls).toBe(2);
    // The response cache answered it: yoga did not run.
    const metrics = await (await request(`${gw.url}/metrics`)).body.text();
    expect(metrics).toContain('hss_response_cache_lookups_total{result="hit"} 1');
  });
});
