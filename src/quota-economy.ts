/**
 * Puts the quota economy together from the configuration: the page cache (memory or Redis), the
 * budget per credential, retries and the circuit breaker around the HSS client.
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import { RedisBudgetStore } from './quota/budget-store.js';
import { createCallBudget } from './quota/call-budget.js';
import { CredentialScreen } from './quota/credential-screen.js';
import { MemoryPageCache } from './quota/memory-page-cache.js';
import type { PageCache } from './quota/page-cache.js';
import { type QuotaObserver, UpstreamPages } from './quota/page-source.js';
import { connectRedis, RedisPageCache } from './quota/redis-page-cache.js';
import type { HssClient } from './upstream/hss-client.js';
import { UpstreamResilience } from './upstream/resilience.js';

export interface QuotaEconomy {
  pages: UpstreamPages;
  resilience: UpstreamResilience;
  /** Where pages and budgets are kept, for the start-up log. */
  store: 'memory' | 'redis';
  close(): Promise<void>;
}

export async function assembleQuotaEconomy(
  config: GatewayConfig,
  client: HssClient,
  logger: Logger,
  now?: () => number,
  observer?: QuotaObserver,
): Promise<QuotaEconomy> {
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, logger) : undefined;
  let cache: PageCache | undefined;
  if (config.cache.ttlMs > 0) {
    // Half the cache memory (CACHE_MAX_MB) for pages, half for whole answers (the response cache).
    cache = redis
      ? new RedisPageCache(redis, logger)
      : new MemoryPageCache({ maxEntries: config.cache.maxEntries, maxBytes: config.cache.maxBytes / 2 });
  }
  const clock = now ?? Date.now;
  const shared = redis ? new RedisBudgetStore(redis) : undefined;
  const budget = createCallBudget({ limits: config.budget, shared, now: clock, logger });
  const screen = new CredentialScreen({
    unproven: createCallBudget({
      // Per client address, and for all together: the budget's two levels, by address.
      limits: {
        perCaller: config.unprovenTokens.perClientAddress,
        perAddress: config.unprovenTokens.perMinute,
        refreshReserve: 0,
      },
      shared,
      now: clock,
      logger,
    }),
    now: clock,
  });
  const resilience = new UpstreamResilience({
    ...config.resilience,
    onRetry: ({ attempt, delayMs, error }) =>
      logger.info({ attempt, delayMs: Math.round(delayMs), reason: error.message }, 'retrying the HSS call'),
    onCircuitChange: ({ projectId, identity }, circuit) =>
      logger.warn({ projectId, credentials: identity, circuit }, 'HSS circuit changed'),
  });
  const pages = new UpstreamPages({
    client,
    cache,
    freshness: config.cache,
    budget,
    screen,
    resilience,
    logger,
    now,
    observer,
  });
  return {
    pages,
    resilience,
    store: redis ? 'redis' : 'memory',
    async close() {
      await cache?.close();
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}
