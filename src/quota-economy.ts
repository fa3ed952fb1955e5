/**
 * Puts the quota economy together from the configuration: the block cache (memory, or Redis with
 * memory beside it), the budgets, retries and the circuit breaker around the HSS client; and, with
 * REDIS_URL, the fleet: one flight per block across replicas, budgets that survive Redis failing,
 * refusals and open circuits told to every replica.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { IAM_VERIFICATIONS } from './auth/iam-tokens.js';
import type { GatewayConfig } from './config.js';
import { FleetChannel } from './fleet/fleet-channel.js';
import { FleetFlights } from './fleet/flights.js';
import { FleetMembers } from './fleet/members.js';
import { connectRedis } from './fleet/redis-connection.js';
import type { BlockCache } from './quota/block-cache.js';
import { type QuotaObserver, UpstreamBlocks } from './quota/block-source.js';
import { BUDGET_WINDOW_MS, type CallBudget, createCallBudget } from './quota/call-budget.js';
import { CredentialScreen } from './quota/credential-screen.js';
import { Entitlements } from './quota/entitlements.js';
import { FleetBudget } from './quota/fleet-budget.js';
import { keepMsOf } from './quota/freshness.js';
import { MemoryBlockCache } from './quota/memory-block-cache.js';
import { RedisBlockCache } from './quota/redis-block-cache.js';
import { RedisBudgetStore } from './quota/redis-budget-store.js';
import { TieredBlockCache } from './quota/tiered-block-cache.js';
import { UpstreamPause } from './quota/upstream-pause.js';
import { HSS_API_NAMES } from './upstream/hss-apis.js';
import type { HssClient } from './upstream/hss-client.js';
import { UpstreamResilience } from './upstream/resilience.js';

export interface QuotaEconomy {
  blocks: UpstreamBlocks;
  /** What HSS answered each caller's own credentials, per scope (who may read shared blocks). */
  entitlements: Entitlements;
  /** Hears of credentials HSS refused, here or on another replica (a caller's token verifier). */
  onRefused(listener: (identity: string) => void): void;
  /**
   * First verifications of callers' tokens with IAM: per client address (its per-caller level) and
   * for all addresses together (its address level), across the fleet.
   */
  iamVerifications: CallBudget;
  resilience: UpstreamResilience;
  /** Calls of an API paused after HSS answered 429, across the fleet. */
  pause: UpstreamPause;
  /** The budgets of calls to HSS: where they stand is a metric. */
  budget: CallBudget;
  /** What replicas share besides blocks (with REDIS_URL): their connection, news and heartbeats. */
  fleet: { redis: Redis; channel: FleetChannel; members: FleetMembers } | undefined;
  /** Where blocks and budgets are kept, for the start-up log. */
  store: 'memory' | 'redis';
  close(): Promise<void>;
}

/** What replicas share through Redis besides the block cache: news, heartbeats, leases. */
interface Fleet {
  redis: Redis;
  channel: FleetChannel;
  members: FleetMembers;
  flights: FleetFlights;
}

function startFleet(redis: Redis, config: GatewayConfig, logger: Logger, now: () => number): Fleet {
  const channel = new FleetChannel(redis, logger);
  return {
    redis,
    channel,
    members: new FleetMembers(redis, channel, now),
    // A lease as long as one HSS call may take; a waiting replica waits at most as long as a
    // request may, then calls itself.
    flights: new FleetFlights(redis, channel, {
      leaseMs: config.upstreamTimeouts.totalMs,
      waitMs: config.deadlineMs,
      logger,
    }),
  };
}

/** Budget logs in Redis, mirrored by each replica for when Redis is unreachable. */
const fleetBudget = (
  fleet: Fleet,
  config: GatewayConfig,
  apis: readonly string[],
  now: () => number,
  logger: Logger,
) =>
  new FleetBudget({
    shared: new RedisBudgetStore(fleet.redis),
    redis: fleet.redis,
    channel: fleet.channel,
    members: fleet.members,
    maxReplicas: config.fleet.maxReplicas,
    apis,
    windowMs: BUDGET_WINDOW_MS,
    callMs: config.upstreamTimeouts.totalMs,
    now,
    logger,
  });

export async function assembleQuotaEconomy(
  config: GatewayConfig,
  client: HssClient,
  logger: Logger,
  now?: () => number,
  observer?: QuotaObserver,
): Promise<QuotaEconomy> {
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  const clock = now ?? Date.now;
  const fleet = redis ? startFleet(redis, config, logger, clock) : undefined;
  const { cache: cacheConfig } = config;
  let cache: BlockCache | undefined;
  if (cacheConfig.ttlMs > 0) {
    // Half the cache memory (CACHE_MAX_MB) for blocks, half for whole answers (the response cache).
    const memory = new MemoryBlockCache({
      maxEntries: cacheConfig.maxEntries,
      maxBytes: cacheConfig.maxBytes / 2,
    });
    const redisCache = redis && new RedisBlockCache(redis, logger);
    cache = redisCache ? new TieredBlockCache(memory, redisCache, keepMsOf(cacheConfig)) : memory;
  }
  const budget = createCallBudget({
    limits: config.budget,
    fleet: fleet && fleetBudget(fleet, config, HSS_API_NAMES, clock, logger),
    now: clock,
    logger,
  });
  const refusalListeners: ((identity: string) => void)[] = [];
  const heardRefusal = (identity: string) => {
    for (const listener of refusalListeners) listener(identity);
  };
  const screen = new CredentialScreen({
    now: clock,
    onRefused: (identity, projectId) => {
      if (projectId === undefined) heardRefusal(identity);
      // What HSS refused one replica, it refuses the others: they hear it instead of asking.
      fleet?.channel.tell(
        projectId === undefined ? { type: 'refused', identity } : { type: 'refused', identity, projectId },
      );
    },
  });
  const entitlements = new Entitlements({ periodMs: config.auth.entitlementMs, now: clock, redis });
  const { verifyPerClientAddress, verifyPerMinute } = config.auth.iamTokens;
  const iamVerifications = createCallBudget({
    limits: { perCaller: verifyPerClientAddress, perAddress: verifyPerMinute, refreshReserve: 0 },
    fleet: fleet && fleetBudget(fleet, config, [IAM_VERIFICATIONS], clock, logger),
    now: clock,
    logger,
  });
  const resilience = new UpstreamResilience({
    ...config.resilience,
    onRetry: ({ attempt, delayMs, error }) =>
      logger.info({ attempt, delayMs: Math.round(delayMs), reason: error.message }, 'retrying the HSS call'),
    onCircuitChange: ({ projectId, identity }, circuit) =>
      logger.warn({ projectId, credentials: identity, circuit }, 'HSS circuit changed'),
    onCircuitOpened: ({ projectId, identity }) =>
      fleet?.channel.tell({ type: 'circuit-open', projectId, identity }),
  });
  fleet?.channel.on('refused', ({ identity, projectId }) => {
    if (typeof identity !== 'string') return;
    if (typeof projectId === 'string') {
      screen.refusedElsewhere(identity, projectId);
      return;
    }
    screen.refusedElsewhere(identity);
    heardRefusal(identity);
  });
  fleet?.channel.on('circuit-open', ({ projectId, identity }) => {
    if (typeof projectId === 'string' && typeof identity === 'string') {
      resilience.openedElsewhere(projectId, identity);
    }
  });
  const pause = new UpstreamPause({
    now: clock,
    tell:
      fleet &&
      ((api, until, identity) =>
        fleet.channel.tell(
          identity === undefined ? { type: 'paused', api, until } : { type: 'paused', api, until, identity },
        )),
    onPaused: (api, everyone) => {
      observer?.onPaused(api);
      logger.warn(
        { api, everyone },
        'HSS answered 429: its quota is spent; calls it covers pause on every replica',
      );
    },
  });
  fleet?.channel.on('paused', ({ api, until, identity }) => {
    if (!(HSS_API_NAMES as readonly unknown[]).includes(api) || typeof until !== 'number') return;
    if (identity === undefined) pause.heard(api, until);
    else if (typeof identity === 'string' && identity.length <= 200) pause.heard(api, until, identity);
  });
  const blocks = new UpstreamBlocks({
    pause,
    client,
    cache,
    freshness: config.cache,
    budget,
    screen,
    entitlements,
    resilience,
    flights: fleet?.flights,
    logger,
    now,
    observer,
    fetchAhead: config.fetchAhead.serverRows > 0,
  });
  return {
    blocks,
    entitlements,
    onRefused: (listener) => refusalListeners.push(listener),
    iamVerifications,
    resilience,
    pause,
    budget,
    fleet,
    store: redis ? 'redis' : 'memory',
    async close() {
      await blocks.fetchAhead?.close();
      await cache?.close();
      await fleet?.members.close();
      await fleet?.channel.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
