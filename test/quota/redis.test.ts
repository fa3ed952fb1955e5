/**
 * With REDIS_URL, replicas share one page cache and one budget per credential: what one gateway
 * paid HSS for, another serves; what one spent of the budget, the other cannot spend again.
 */
import { type RunningEmulator, startEmulator } from '../helpers/emulator.js';
import { type RunningGateway, startTestGateway } from '../helpers/gateway.js';
import { describeWithRedis, type RunningRedis, startRedis } from '../helpers/redis.js';

const QUERY = '{ portStatistics(filter: { status: DANGER }) { totalCount fetchedAt stale nodes { port } } }';

describeWithRedis('two gateway replicas sharing Redis', () => {
  let redis: RunningRedis;
  let hss: RunningEmulator;
  let a: RunningGateway;
  let b: RunningGateway;
  const calls = () => hss.received.filter((r) => r.path.startsWith('/v5/'));

  beforeEach(async () => {
    redis = await startRedis();
    hss = await startEmulator();
    const env = {
      HSS_ENDPOINT: hss.url,
      HSS_PROJECT_ID: 'p',
      HSS_AUTH_TOKEN: 't',
      REDIS_URL: redis.url,
      CACHE_TTL_SECONDS: '60',
      HSS_RATE_LIMIT_PER_MINUTE: '3',
    };
    a = await startTestGateway(env);
    b = await startTestGateway(env);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await hss.close();
    await redis.close();
  });

  it('a page fetched through one replica is served by the other from Redis', async () => {
    const fromA = (await a.graphql(QUERY)).body.data.portStatistics;
    const fromB = (await b.graphql(QUERY)).body.data.portStatistics;
    expect(fromB).toEqual(fromA);
    expect(calls()).toHaveLength(1);
  });

  it('other credentials never get the page from Redis', async () => {
    await a.graphql(QUERY);
    await b.graphql(QUERY, {}, { 'x-auth-token': 'someone-else' });
    expect(calls()).toHaveLength(2);
  });

  it('the budget per credential is shared: 3 a minute across both replicas', async () => {
    await a.graphql('{ portStatistics(filter: { port: 1 }) { totalCount } }');
    await a.graphql('{ portStatistics(filter: { port: 2 }) { totalCount } }');
    await b.graphql('{ portStatistics(filter: { port: 3 }) { totalCount } }');
    const refused = (await b.graphql('{ portStatistics(filter: { port: 4 }) { totalCount } }')).body
      .errors?.[0];
    expect(refused?.extensions?.code).toBe('RATE_LIMITED');
    expect(calls()).toHaveLength(3);
  });

  it('when Redis goes away, the gateways go on: cache misses and an in-memory budget', async () => {
    await a.graphql(QUERY);
    await redis.close();
    const answer = await b.graphql('{ portStatistics(filter: { port: 22 }) { totalCount } }');
    expect(answer.body.errors).toBeUndefined();
    expect(b.logs.entries().some((e) => String(e.msg).startsWith('Redis'))).toBe(true);
  });
});
