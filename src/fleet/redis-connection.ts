/**
 * The Redis connection replicas share the quota through (REDIS_URL): the page cache, the budgets'
 * logs, the leases of calls in flight and the fleet's channel all use it. It fails fast, so a Redis
 * that is down costs sharing, never a request.
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * A Redis connection that fails fast: commands wait at most 1 s and are not queued while offline.
 * Resolves once connected, or after `readyWithinMs` with the connection still trying: a gateway
 * starts without Redis rather than not at all.
 */
export async function connectRedis(url: string, logger: Logger, readyWithinMs = 3000): Promise<Redis> {
  // Loaded only when REDIS_URL is set: gateways without Redis do not carry the client.
  const { Redis: RedisClient } = createRequire(__filename)('ioredis') as typeof import('ioredis');
  const redis = new RedisClient(url, {
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
  });
  // One warning per outage, not one per reconnection attempt; and one line when it is back.
  let down = false;
  const lost = (detail: object) => {
    if (down) return;
    down = true;
    logger.warn(
      detail,
      'Redis unreachable: each replica decides alone on its share of the quota until it is back',
    );
  };
  redis.on('error', (error: unknown) => lost({ err: error }));
  redis.on('close', () => lost({ reason: 'connection closed' }));
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('Redis reachable again');
  });
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), readyWithinMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!ready) logger.warn({ readyWithinMs }, 'Redis is not reachable yet: caching in memory until it is');
  return redis;
}
