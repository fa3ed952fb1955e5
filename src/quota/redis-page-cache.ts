/**
 * The shared page cache for several gateway replicas: Redis (ioredis). A Redis that is down or
 * slow costs a cache miss and a warning, never a failed request.
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CachedPage, PageCache } from './page-cache.js';

const PREFIX = 'hss-gateway:page:';

export class RedisPageCache implements PageCache {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  async get(key: string): Promise<CachedPage | undefined> {
    try {
      const text = await this.redis.get(PREFIX + key);
      return text === null ? undefined : (JSON.parse(text) as CachedPage);
    } catch (error) {
      this.logger.warn({ err: error }, 'Redis cache read failed; treating it as a miss');
      return undefined;
    }
  }

  async set(key: string, value: CachedPage, keepMs: number): Promise<void> {
    try {
      await this.redis.set(PREFIX + key, JSON.stringify(value), 'PX', Math.max(1, Math.round(keepMs)));
    } catch (error) {
      this.logger.warn({ err: error }, 'Redis cache write failed');
    }
  }

  async close(): Promise<void> {
    // The connection is shared with the call budget; its owner closes it.
  }
}

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
  redis.on('error', (error: unknown) => logger.warn({ err: error }, 'Redis connection error'));
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
