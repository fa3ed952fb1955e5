/**
 * With REDIS_URL, replicas share one page cache and one budget per credential: what one gateway
 * paid HSS for, another serves; what one spent of the budget, the other cannot spend again.
 */
import { Redis } from 'ioredis';
import type { CachedBlock } from '../../src/quota/block-cache.js';
import { RedisBlockCache } from '../../src/quota/redis-block-cache.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { captureLogs } from '../helpers/log-capture.js';
import { describeWithRedis, type RunningRedis } from '../helpers/redis.js';

const QUERY = '{ portStatistics(filter: { status: DANGER }) { totalCount fetchedAt stale nodes { port } } }';

/**
 * Per test: a Redis, an emulator (60 rows a scope: a snapshot of one page), and two gateway replicas
 * sharing both (cache 60 s, and `env`).
 */
function useReplicas(env: Record<string, string> = {}) {
  const perTest = useFixtures({ closeAfter: 'each' });
  const replicas = {
    calls: () => replicas.hss.received.filter((r) => r.path.startsWith('/v5/')),
  } as {
    redis: RunningRedis;
    hss: RunningEmulator;
    a: RunningGateway;
    b: RunningGateway;
    calls(): unknown[];
  };
  beforeEach(async () => {
    replicas.redis = await perTest.redis();
    replicas.hss = await perTest.emulator({ rowsPerScope: 60 });
    const shared = { REDIS_URL: replicas.redis.url, CACHE_TTL_SECONDS: '60', ...env };
    replicas.a = await perTest.gateway(replicas.hss, shared);
    replicas.b = await perTest.gateway(replicas.hss, shared);
  });
  return replicas;
}

describeWithRedis('two gateway replicas sharing Redis', () => {
  const replicas = useReplicas({ HSS_RATE_LIMIT_PER_MINUTE: '3', HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '3' });

  it('a page fetched through one replica is served by the other from Redis', async () => {
    const fromA = (await replicas.a.graphql(QUERY)).body.data.portStatistics;
    const fromB = (await replicas.b.graphql(QUERY)).body.data.portStatistics;
    expect(fromB).toEqual(fromA);
    expect(replicas.calls()).toHaveLength(1);
  });

  it('other credentials never get the page from Redis', async () => {
    await replicas.a.graphql(QUERY);
    await replicas.b.graphql(QUERY, {}, { 'x-auth-token': 'someone-else' });
    expect(replicas.calls()).toHaveLength(2);
  });

  it('the budget per credential is shared: 3 a minute across both replicas', async () => {
    // A project each: a snapshot each, one call each.
    const project = (id: string) => `{ portStatistics(projectId: "${id}") { totalCount } }`;
    await replicas.a.graphql(project('p1'));
    await replicas.a.graphql(project('p2'));
    await replicas.b.graphql(project('p3'));
    const refused = (await replicas.b.graphql(project('p4'))).body.errors?.[0];
    expect(refused?.extensions?.code).toBe('RATE_LIMITED');
    expect(replicas.calls()).toHaveLength(3);
  });

  it('the address budget is shared too: two callers on two replicas spend 3 a minute together', async () => {
    const [a, b] = [replicas.a, replicas.b];
    const project = (id: string) => `{ portStatistics(projectId: "${id}") { totalCount } }`;
    await a.graphql(project('p1'), {}, { 'x-auth-token': 'alice' });
    await b.graphql(project('p2'), {}, { 'x-auth-token': 'bob' });
    await a.graphql(project('p3'), {}, { 'x-auth-token': 'bob' });
    const refused = (await b.graphql(project('p4'), {}, { 'x-auth-token': 'carol' })).body.errors?.[0];
    expect(refused?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused?.message).toContain('for all callers together');
    expect(replicas.calls()).toHaveLength(3);
  });

  it('when Redis goes away, each replica answers from the pages it kept in memory', async () => {
    await replicas.a.graphql(QUERY);
    await replicas.b.graphql(QUERY); // from Redis, and now in B's memory too
    await replicas.redis.close();
    const answer = await replicas.b.graphql('{ portStatistics(filter: { port: 22 }) { totalCount } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.extensions?.cost).toMatchObject({ upstreamCalls: 0 });
    expect(replicas.calls()).toHaveLength(1);
    expect(replicas.b.logs.entries().some((e) => String(e.msg).startsWith('Redis'))).toBe(true);
  });

  it('while Redis is away, a replica spends only its share, and the calls made before count', async () => {
    // 3 a minute, 2 replicas: a share of 1 each; A's call before the outage is in every mirror.
    await replicas.a.graphql(QUERY);
    await replicas.redis.close();
    const project = (id: string) => `{ portStatistics(projectId: "${id}") { totalCount } }`;
    const refused = (await replicas.b.graphql(project('p2'))).body.errors?.[0];
    expect(refused?.extensions?.code).toBe('RATE_LIMITED');
    // Said as the replica's share, not as the address's budget (an on-call reads the difference).
    expect(refused?.extensions?.reason).toBe('SHARE');
    expect(replicas.calls()).toHaveLength(1);
  });
});

const NOT_A_BLOCK = 'Redis cache entry is not a block; treating it as a miss';

describeWithRedis('Redis entries are versioned and checked when read', () => {
  // One page a query, as each page is stored: snapshots (stored the same way) would add their keys.
  const replicas = useReplicas({ SNAPSHOT_MAX_PAGES: '0' });
  let raw: Redis;
  const pageKeys = async () => (await raw.keys('hss-gateway:*')).filter((k) => k.includes(':block:'));
  beforeEach(() => {
    raw = new Redis(replicas.redis.url);
  });
  afterEach(() => raw.disconnect());

  it('the key prefix carries the format version', async () => {
    await replicas.a.graphql(QUERY);
    expect(await pageKeys()).toEqual([expect.stringMatching(/^hss-gateway:v4:block:/)]);
  });

  // Each value carries SECRET: the log audit fails the run if any of it reaches a log line.
  it.each<[string, (valid: string) => string, string]>([
    ['garbage', () => 'SECRET garbage, not JSON', 'not JSON'],
    ['truncated JSON', (valid) => `${valid.slice(0, valid.length / 2)}SECRET`, 'not JSON'],
    [
      'a foreign JSON shape that looks fresh',
      () => JSON.stringify({ block: { totalNum: 'SECRET', rows: [{ port: 'ssh' }] }, fetchedAt: Date.now() }),
      'block.totalNum: invalid_type',
    ],
    ['a session someone else stored', () => JSON.stringify({ session: 'SECRET' }), 'block: invalid_type'],
  ])(
    '%s under the gateway`s key is a miss: the answer is right and the entry replaced',
    async (_, corrupt, problem) => {
      const first = (await replicas.a.graphql(QUERY)).body.data.portStatistics;
      const [key] = await pageKeys();
      if (!key) throw new Error('the first query stored no page');
      const valid = (await raw.get(key)) ?? '';
      await raw.set(key, corrupt(valid), 'PX', 60_000);

      const answer = await replicas.b.graphql(QUERY);
      expect(answer.body.errors).toBeUndefined();
      const second = answer.body.data.portStatistics;
      expect({ totalCount: second.totalCount, nodes: second.nodes, stale: second.stale }).toEqual({
        totalCount: first.totalCount,
        nodes: first.nodes,
        stale: false,
      });
      expect(replicas.calls()).toHaveLength(2);
      const replaced = JSON.parse((await raw.get(key)) ?? 'null') as CachedBlock;
      const before = JSON.parse(valid) as CachedBlock;
      expect(replaced).toEqual({
        block: { ...before.block, requestId: expect.any(String) },
        fetchedAt: expect.any(Number),
      });
      expect(replaced.fetchedAt).toBeGreaterThan(before.fetchedAt);
      const warnings = replicas.b.logs.entries().filter((e) => e.msg === NOT_A_BLOCK);
      expect(warnings).toEqual([expect.objectContaining({ problem })]);
      expect(replicas.b.logs.lines.join('')).not.toContain('SECRET');
    },
  );

  it('an entry under the unversioned prefix of the previous format is never read', async () => {
    const first = (await replicas.a.graphql(QUERY)).body.data.portStatistics;
    const [key] = await pageKeys();
    if (!key) throw new Error('the first query stored no page');
    const fake: CachedBlock = { block: { totalNum: 999_999, rows: [] }, fetchedAt: Date.now() };
    await raw.set(key.replace(':v4:block:', ':page:'), JSON.stringify(fake), 'PX', 60_000);
    await raw.del(key);
    expect((await replicas.b.graphql(QUERY)).body.data.portStatistics.totalCount).toBe(first.totalCount);
  });
});

describeWithRedis('what a stored page must look like', () => {
  const fixtures = useFixtures();
  let raw: Redis;
  beforeAll(async () => {
    raw = new Redis((await fixtures.redis()).url);
  });
  afterAll(() => raw.disconnect());

  const row = { port: 22, type: 'TCP', num: 3, status: 'DANGER' };
  const entry = (block: Record<string, unknown>) => ({
    block: { totalNum: 1, rows: [row], ...block },
    fetchedAt: 1,
  });

  async function read(value: unknown) {
    const logs = captureLogs();
    const cache = new RedisBlockCache(raw, logs.logger);
    await raw.set('hss-gateway:v4:block:k', JSON.stringify(value));
    return {
      got: await cache.get('k', 'ListPortStatistics'),
      warnings: logs.entries().filter((e) => e.msg === NOT_A_BLOCK),
    };
  }

  it.each<[string, unknown]>([
    ['a page', entry({})],
    ['a null row (one the gateway could not read)', entry({ rows: [null, row] })],
    ['a request id', entry({ requestId: 'r-1' })],
    [
      'every protocol and status',
      entry({ rows: [{ ...row, type: 'UDP6', status: 'UNKNOWN', port: 65_535, num: 0 }] }),
    ],
  ])('%s is served', async (_, value) => {
    const { got, warnings } = await read(value);
    expect(got).toEqual(value);
    expect(warnings).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['a port out of range', entry({ rows: [{ ...row, port: 65_536 }] }), 'block.rows.0.port: too_big'],
    [
      'a port that is not whole',
      entry({ rows: [{ ...row, port: 22.5 }] }),
      'block.rows.0.port: invalid_type',
    ],
    ['an unknown protocol', entry({ rows: [{ ...row, type: 'SCTP' }] }), 'block.rows.0.type: invalid_value'],
    [
      'a status in the wrong case',
      entry({ rows: [{ ...row, status: 'danger' }] }),
      'block.rows.0.status: invalid_value',
    ],
    ['a negative count', entry({ rows: [{ ...row, num: -1 }] }), 'block.rows.0.num: too_small'],
    ['a negative total', entry({ totalNum: -1 }), 'block.totalNum: too_small'],
    ['no total (a page always has one)', entry({ totalNum: null }), 'block.totalNum: invalid_type'],
    ['a count a GraphQL Int cannot carry', entry({ totalNum: 2 ** 31 }), 'block.totalNum: too_big'],
    ['rows that are not a list', entry({ rows: {} }), 'block.rows: invalid_type'],
    ['a request id that is not text', entry({ requestId: 7 }), 'block.requestId: invalid_type'],
    ['no fetchedAt', { block: entry({}).block }, 'fetchedAt: invalid_type'],
    ['a list', [entry({})], '(root): invalid_type'],
    ['null', null, '(root): invalid_type'],
  ])('%s is a miss, with one warning naming where', async (_, value, problem) => {
    const { got, warnings } = await read(value);
    expect(got).toBeUndefined();
    // Where the entry is wrong, and nothing of what it holds.
    expect(warnings).toEqual([
      { level: 40, msg: NOT_A_BLOCK, problem, service: expect.any(String), time: expect.any(String) },
    ]);
  });
});
