/**
 * A fleet spends HSS's quota as one gateway would: replicas sharing a real redis-server, in front
 * of the emulator enforcing HSS's quota (every replica leaves through one address, 127.0.0.1, as
 * replicas behind one NAT do). Three gateway processes as `npm start` runs them take a cold burst;
 * three replicas on a clock the test moves serve dashboards for minutes, and through Redis dying
 * for 30 s; one replica's refusal and open circuit reach the others.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { request } from 'undici';
import { FleetChannel } from '../../src/fleet/fleet-channel.js';
import { connectRedis } from '../../src/fleet/redis-connection.js';
import { ManualClock } from '../helpers/clock.js';
import { incompleteLoads as incomplete, runDashboardSession } from '../helpers/dashboard-session.js';
import { iamLogin } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { describeWithRedis } from '../helpers/redis.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

const DANGER = '{ portStatistics(filter: { status: DANGER }) { totalCount nodes { port } } }';

/** A replica's environment: project p of the emulator, read with a service token, and the fleet's Redis. */
const replicaEnv = (hss: { url: string }, redis: { url: string }, more: Record<string, string> = {}) => ({
  HSS_ENDPOINT: hss.url,
  HSS_PROJECT_ID: 'p',
  HSS_AUTH_TOKEN: 't',
  REDIS_URL: redis.url,
  ...more,
});

describeWithRedis('three gateway processes sharing a real Redis', () => {
  const fixtures = useFixtures();
  const processes: ServerProcess[] = [];
  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
  });

  it('a cold burst of 21 identical requests over the three makes the calls of one replica', async () => {
    // What the request costs one replica alone: its scope's snapshot, a call per page of 200 rows
    // (ListPortStatistics calls: the host lists of the rows shown are fetched ahead as well).
    const alone = await fixtures.emulator({ rowsPerScope: 120 });
    await (await fixtures.gateway(alone, {}, { asShipped: true })).graphql(DANGER);
    const oneReplicasCalls = alone.received.filter((r) => r.path.endsWith('/statistics')).length;
    expect(oneReplicasCalls).toBeGreaterThan(0);

    const hss = await fixtures.emulator({ rowsPerScope: 120 });
    const redis = await fixtures.redis();
    const env = replicaEnv(hss, redis);
    processes.push(...(await Promise.all([startServer(env), startServer(env), startServer(env)])));
    const answers = await Promise.all(
      Array.from({ length: 21 }, async (_, i) => {
        const replica = processes[i % 3] as ServerProcess;
        const response = await request(`${replica.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: DANGER }),
        });
        return {
          status: response.statusCode,
          body: (await response.body.json()) as { data: any; errors?: unknown[] },
        };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(21).fill(200));
    expect(answers.filter((a) => a.body.errors)).toEqual([]);
    const totals = new Set(answers.map((a) => a.body.data.portStatistics.totalCount));
    expect(totals.size).toBe(1);
    // The calls of one replica in all: the replicas that lost the race for a lease waited for its page.
    expect(hss.received.filter((r) => r.path.endsWith('/statistics'))).toHaveLength(oneReplicasCalls);
  }, 60_000);
});

describeWithRedis('three replicas on one clock, sharing a real Redis', () => {
  const fixtures = useFixtures();

  it('dashboards spread over the three for 5 minutes: complete after the first minute, never refused by HSS', async () => {
    const redis = await fixtures.redis();
    const { loads, calls } = await runDashboardSession({
      rows: 499,
      users: [{}, {}, {}],
      minutes: 5,
      replicas: 3,
      redisUrl: redis.url,
    });
    expect(calls.throttled).toBe(0);
    expect(incomplete(loads.filter((load) => load.at >= 60_000))).toEqual([]);
    // As one gateway: a snapshot of ceil(499 / 200) = 3 calls per minute of TTL (and the first).
    expect(calls.statistics).toBeLessThanOrEqual(3 * 6);
  }, 120_000);

  it('Redis killed for 30 s and started again: no data: null, and HSS never refuses a call', async () => {
    const redis = await fixtures.redis();
    const { loads, calls, logs } = await runDashboardSession({
      rows: 499,
      users: [{}, {}, {}],
      minutes: 5,
      replicas: 3,
      redisUrl: redis.url,
      beforeStep: async (at, replicas) => {
        if (at === 120_000) {
          await redis.close();
          // Each replica noticed before the next loads: they are served by replicas deciding alone.
          await Promise.all(replicas.map((gw) => status(gw, 'reconnecting')));
        }
        if (at === 150_000) {
          await redis.restart(); // empty: it lost the budgets' logs and the pages
          await Promise.all(replicas.map((gw) => status(gw, 'ready')));
        }
      },
    });
    // Every replica saw the outage, and told Redis again what the fleet spent meanwhile.
    for (const replica of [0, 1, 2]) {
      const said = logs.filter((line) => line.replica === replica).map((line) => line.msg);
      expect(said).toContain(
        'Redis unreachable: each replica decides alone on its share of the quota until it is back',
      );
      expect(said).toContain('Redis budgets rejoined with the calls of the outage');
    }
    // Within HSS's quota per user and per address, before, during and after: the emulator refuses
    // the first call past it.
    expect(calls.throttled).toBe(0);
    expect(loads.filter((load) => load.data == null)).toEqual([]);
    expect(loads.filter((load) => load.status >= 500)).toEqual([]);
    expect(
      incomplete(loads.filter((load) => load.at >= 60_000 && (load.at < 120_000 || load.at >= 210_000))),
    ).toEqual([]);
  }, 120_000);
});

describeWithRedis('what one replica learns, the others know', () => {
  const fixtures = useFixtures();

  it("HSS's refusal of a token: the other replicas refuse it without asking IAM or HSS", async () => {
    const user = { domainName: 'acme', username: 'mallory', password: 'SECRET-password-2' };
    const hss = await fixtures.emulator({ acceptAnyToken: false, iamUsers: [user], quotaPerMinute: 0 });
    const redis = await fixtures.redis();
    const env = { HSS_ENDPOINT: hss.url, HSS_PROJECT_ID: 'p', REDIS_URL: redis.url };
    const [a, b] = [await fixtures.gateway(undefined, env), await fixtures.gateway(undefined, env)];
    const token = (await iamLogin(hss.url, user, 'p')).token as string;
    const as = { 'x-auth-token': token };
    // Both replicas verified it with IAM and served it; then it is revoked (stolen, say).
    expect((await a.graphql(DANGER, {}, as)).body.errors).toBeUndefined();
    expect((await b.graphql(DANGER, {}, as)).body.errors).toBeUndefined();
    const revoked = await request(`${hss.url}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'x-auth-token': token, 'x-subject-token': token },
    });
    expect(revoked.statusCode).toBe(204);
    await revoked.body.dump();
    const told = news(b, 'refused');
    const first = await a.graphql(DANGER, {}, as);
    expect(first.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await told;
    const calls = hss.received.length;
    const second = await b.graphql(DANGER, {}, as);
    expect(second.body.errors?.[0]?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'REFUSED_BY_HSS',
    });
    expect(hss.received.length).toBe(calls);
  });

  it('a circuit that opened on one replica pauses the calls of the others', async () => {
    const hss = await fixtures.emulator({ quotaPerMinute: 0 });
    const redis = await fixtures.redis();
    const env = replicaEnv(hss, redis, { HSS_RETRY_MAX: '0', HSS_CIRCUIT_FAILURES: '2' });
    const [a, b] = [await fixtures.gateway(undefined, env), await fixtures.gateway(undefined, env)];
    hss.emulator.setFaults({ next: ['status-503', 'status-503'], quotaPerMinute: 0 });
    const told = news(b, 'circuit-open');
    for (const port of [1, 2])
      await a.graphql(`{ portStatistics(filter: { port: ${port} }) { totalCount } }`);
    await told;
    const calls = hss.received.length;
    const paused = await b.graphql('{ portStatistics(filter: { port: 3 }) { totalCount } }');
    expect(paused.body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(paused.body.errors?.[0]?.message).toContain('circuit');
    expect(hss.received.length).toBe(calls);
  });
});

describeWithRedis('Redis failing, and Redis lying', () => {
  const fixtures = useFixtures();
  const project = (id: string) => `{ portStatistics(projectId: "${id}") { totalCount } }`;
  const codeOf = (answer: { body: { errors?: { extensions?: Record<string, unknown> }[] } }) =>
    answer.body.errors?.[0]?.extensions?.code;
  /** Each project asked in turn (a call each): the error code of each answer, undefined for data. */
  const each = async (gw: RunningGateway, ids: string[]) => {
    const answers = [];
    for (const id of ids) answers.push(codeOf(await gw.graphql(project(id))));
    return answers;
  };

  /** Two replicas that have listened to each other for a whole window, each query a call. */
  async function twoReplicas(env: Record<string, string> = {}) {
    const clock = new ManualClock();
    const hss = await fixtures.emulator({ now: clock.now });
    const redis = await fixtures.redis();
    const shared = replicaEnv(hss, redis, {
      CACHE_TTL_SECONDS: '0',
      HSS_RATE_LIMIT_PER_MINUTE: '5',
      HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: '5',
      HSS_RETRY_MAX: '0',
      ...env,
    });
    const options = { asShipped: true, now: clock.now };
    const a = await fixtures.gateway(undefined, shared, options);
    const b = await fixtures.gateway(undefined, shared, options);
    await Promise.all([listening(a), listening(b)]);
    clock.advance(61_000);
    const throttled = () => hss.received.filter((r) => r.status === 429).length;
    const calls = () => hss.received.filter((r) => r.path.startsWith('/v5/')).length;
    return { clock, hss, redis, a, b, shared, options, throttled, calls };
  }

  it('replicas back at different times: the first back spends only its share for a window', async () => {
    // Two replicas at most: a share of floor(5 / 2) = 2 calls each while alone.
    const { clock, redis, a, b, throttled, calls } = await twoReplicas({ FLEET_MAX_REPLICAS: '2' });
    await redis.close();
    await Promise.all([status(a, 'reconnecting'), status(b, 'reconnecting')]);
    // B stays cut off (a partition): it goes on deciding alone.
    b.gateway.quota.fleet?.redis.disconnect();
    // Alone only once any replica still in Redis would count them silent (20 s) and its calls of
    // before (10 s each at most) have left the window.
    expect(await each(a, ['a0'])).toEqual(['RATE_LIMITED']);
    clock.advance(ALONE_AFTER_MS);
    expect(await each(a, ['a1', 'a2', 'a3'])).toEqual([undefined, undefined, 'RATE_LIMITED']);
    expect(await each(b, ['b1', 'b2', 'b3'])).toEqual([undefined, undefined, 'RATE_LIMITED']);
    expect(calls()).toBe(4);
    await redis.restart(); // empty
    await status(a, 'ready');
    // Redis knows A's two calls only; B's two are HSS's too. A back with the full 5 would spend 3.
    expect(await each(a, ['a4', 'a5', 'a6'])).toEqual(['RATE_LIMITED', 'RATE_LIMITED', 'RATE_LIMITED']);
    expect(calls()).toBe(4);
    expect(throttled()).toBe(0);
  });

  it('a replica cut off from Redis alone: it waits until the others leave it its share, and the fleet never spends more than 5', async () => {
    const { clock, redis, a, b, throttled, calls } = await twoReplicas();
    const members = a.gateway.quota.fleet?.members;
    b.gateway.quota.fleet?.redis.disconnect();
    // A still counts B alive and spends the full 5: B, cut off, must not spend at once.
    expect(await each(b, ['b1'])).toEqual(['RATE_LIMITED']);
    expect(await each(a, ['a1', 'a2', 'a3', 'a4', 'a5'])).toEqual(Array(5).fill(undefined));
    expect(calls()).toBe(5);
    // Later: A's heartbeats count B silent (its last beat set back in Redis, as real time would).
    clock.advance(ALONE_AFTER_MS);
    const silentFor = async (ms: number) => {
      await setBeatBack(redis.url, b, ms);
      await members?.beat();
    };
    await silentFor(20_000);
    expect(members?.silent).toBe(1);
    // B spends its share (5 / FLEET_MAX_REPLICAS 5 = 1), A the rest.
    expect(await each(b, ['b2', 'b3'])).toEqual([undefined, 'RATE_LIMITED']);
    expect(await each(a, ['a6', 'a7', 'a8', 'a9', 'a10'])).toEqual([
      ...Array(4).fill(undefined),
      'RATE_LIMITED',
    ]);
    // Minutes later, B still cut off: the others still leave it its share.
    clock.advance(61_000);
    await silentFor(200_000);
    expect(await each(b, ['b4', 'b5'])).toEqual([undefined, 'RATE_LIMITED']);
    expect(await each(a, ['a11', 'a12', 'a13', 'a14', 'a15'])).toEqual([
      ...Array(4).fill(undefined),
      'RATE_LIMITED',
    ]);
    expect(throttled()).toBe(0);
  });

  it('Redis restarted empty while a replica stays cut off: the others still leave it its share', async () => {
    const { clock, redis, a, b, throttled, calls } = await twoReplicas();
    const members = a.gateway.quota.fleet?.members;
    b.gateway.quota.fleet?.redis.disconnect(); // B cut off, and stays so
    await setBeatBack(redis.url, b, 20_000); // as real time would: A counts B silent
    await members?.beat();
    expect(members?.silent).toBe(1);
    await redis.close();
    await status(a, 'reconnecting');
    clock.advance(ALONE_AFTER_MS);
    expect(await each(b, ['b1', 'b2'])).toEqual([undefined, 'RATE_LIMITED']);
    const rejoined = a.logs.waitFor('Redis budgets rejoined with the calls of the outage');
    await redis.restart(); // empty: B's heartbeats are gone with the rest
    await status(a, 'ready');
    await rejoined;
    clock.advance(61_000); // A's window on its share is over; B's call has left the window
    await members?.beat();
    expect(members?.silent).toBe(1);
    const before = calls();
    expect(await each(b, ['b3'])).toEqual([undefined]);
    expect(await each(a, ['a1', 'a2', 'a3', 'a4', 'a5'])).toEqual([
      ...Array(4).fill(undefined),
      'RATE_LIMITED',
    ]);
    expect(calls() - before).toBe(5);
    expect(throttled()).toBe(0);
  });

  it('a Redis that stops answering with its connection open: the replica connects again, and goes on', async () => {
    const { clock, redis, a, throttled } = await twoReplicas();
    const connection = a.gateway.quota.fleet?.redis;
    redis.pause();
    try {
      // Dropped by the replica itself after two unanswered pings (a second each).
      await once(connection as Redis, 'close');
      expect(connection?.status).not.toBe('ready');
      clock.advance(ALONE_AFTER_MS);
      expect(await each(a, ['while-frozen'])).toEqual([undefined]);
    } finally {
      redis.resume();
    }
    await status(a, 'ready');
    clock.advance(61_000); // its share for a window after the return, then the whole limits
    expect(await each(a, ['after'])).toEqual([undefined]);
    expect(throttled()).toBe(0);
    expect(a.logs.entries().map((e) => e.msg)).toContain('Redis stopped answering: connecting again');
  }, 30_000);

  it('a reconnection whose subscription is lost on the way: the channel subscribes again, and hears', async () => {
    const redis = await fixtures.redis();
    const proxy = await startTcpProxy(Number(new URL(redis.url).port));
    const logger = pino({ level: 'silent' });
    const connection = await connectRedis(`redis://127.0.0.1:${proxy.port}`, logger);
    const channel = new FleetChannel(connection, logger);
    const publisher = new Redis(redis.url);
    try {
      await new Promise<void>((resolve) => channel.whenListening(resolve));
      const heard: unknown[] = [];
      channel.on('refused', ({ identity }) => heard.push(identity));
      proxy.loseNext(/subscribe/i);
      proxy.cut();
      const news = JSON.stringify({ from: 'another', event: { type: 'refused', identity: 'back' } });
      // Published until heard: each publication before the new subscription reaches nobody.
      while (heard.length === 0) {
        await publisher.publish('hss-gateway:v1:fleet', news);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(heard[0]).toBe('back');
    } finally {
      publisher.disconnect();
      await channel.close();
      connection.disconnect();
      await proxy.close();
    }
  }, 20_000);

  it('a replica that starts while Redis is down makes no call alone: it never heard the others', async () => {
    const { redis, shared, options, calls } = await twoReplicas();
    await redis.close();
    const late = await fixtures.gateway(undefined, shared, options);
    const answer = await late.graphql(project('late'));
    expect(codeOf(answer)).toBe('RATE_LIMITED');
    expect(calls()).toBe(0);
  });

  it('news anyone could publish in Redis crashes no replica and moves no budget', async () => {
    const { redis, a, b, calls } = await twoReplicas();
    const publisher = new Redis(redis.url);
    const listener = new Redis(redis.url);
    await listener.subscribe('hss-gateway:v1:fleet');
    const messages = [
      'null',
      '[]',
      '"text"',
      '{"event":null}',
      '{"from":"x","event":{"type":"call","api":"ListPortStatistics","identity":"i","id":"x","at":"soon"}}',
      '{"from":"x","event":{"type":"call","api":"made-up","identity":"i","id":"y","at":0}}',
      '{"from":"x","event":{"type":"landed","key":"k","failure":{"code":"EVIL","message":{}}}}',
      '{"from":"x","event":{"type":"refused","identity":42}}',
      '{"from":"x","event":{"type":"circuit-open","projectId":null}}',
    ];
    const heard = new Promise<void>((resolve) => {
      let count = 0;
      listener.on('message', () => {
        if (++count === messages.length) resolve();
      });
    });
    for (const message of messages) await publisher.publish('hss-gateway:v1:fleet', message);
    await heard;
    for (const [name, gw] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const answer = await gw.graphql(project(`after-${name}`));
      expect(answer.body.errors).toBeUndefined();
    }
    expect(calls()).toBe(2);
    publisher.disconnect();
    listener.disconnect();
  });
});

/**
 * How long a replica that lost Redis waits before it calls alone: until any replica still in Redis
 * counts it silent (20 s after its last heartbeat) and every call those granted before then (10 s
 * at most, HSS_TIMEOUT_MS) has left the 60 s window.
 */
const ALONE_AFTER_MS = 20_000 + 10_000 + 60_000;
/** Where replicas' heartbeats are kept in Redis. */
const REPLICAS_KEY = 'hss-gateway:v1:replicas';
const replicaIdOf = (gw: RunningGateway) => gw.gateway.quota.fleet?.channel.replicaId ?? '';

/** Sets `gw`'s last heartbeat `ms` back in Redis, as that much real time without one would. */
async function setBeatBack(url: string, gw: RunningGateway, ms: number): Promise<void> {
  const client = new Redis(url);
  try {
    const [seconds] = await client.time();
    await client.zadd(REPLICAS_KEY, Number(seconds) * 1000 - ms, replicaIdOf(gw));
  } finally {
    client.disconnect();
  }
}

/** Resolves once the replica hears the others' news (its mirror of the fleet starts then). */
function listening(gw: RunningGateway): Promise<void> {
  const channel = gw.gateway.quota.fleet?.channel;
  if (!channel) throw new Error('the gateway has no fleet channel: is REDIS_URL set?');
  return new Promise((resolve) => channel.whenListening(resolve));
}

/** Resolves once the replica's Redis connection is in `wanted` state (ioredis's own events). */
async function status(gw: RunningGateway, wanted: 'ready' | 'reconnecting'): Promise<void> {
  const redis = gw.gateway.quota.fleet?.redis;
  if (!redis) throw new Error('the gateway has no Redis connection: is REDIS_URL set?');
  if (redis.status === wanted) return;
  await once(redis, wanted === 'ready' ? 'ready' : 'reconnecting');
}

/**
 * Resolves once `gw` heard news of `type` from another replica (through Redis pub/sub), after its
 * own listeners, registered when it started, used it.
 */
function news(gw: RunningGateway, type: 'refused' | 'circuit-open'): Promise<void> {
  const channel = gw.gateway.quota.fleet?.channel;
  if (!channel) throw new Error('the gateway has no fleet channel: is REDIS_URL set?');
  return new Promise((resolve) => {
    const stop = channel.on(type, () => {
      stop();
      resolve();
    });
  });
}
