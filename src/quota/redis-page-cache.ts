/**
 * The shared page cache for several gateway replicas: Redis (ioredis). A Redis that is down or
 * slow costs a cache miss and a warning, never a failed request.
 */
import { Redis } from 'ioredis';
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

/** A Redis connection that fails fast: commands wait at most 1 s and are not queued while offline. */
export function connectRedis(url: string): Redis {
  return new Redis(url, {
    commandTimeout: 1000,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
  });
}
