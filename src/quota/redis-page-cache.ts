/**
 * The shared page cache for several gateway replicas: Redis (ioredis). A Redis that is down or
 * slow costs a cache miss and a warning, never a failed request.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { HssApiName } from '../upstream/hss-apis.js';
import type { CachedPage, PageCache } from './page-cache.js';
import { readStoredPage, type StoredPageReading } from './stored-page.js';

/**
 * The format of the stored value, in every key: a gateway never reads entries written in another
 * format (they expire on their own). Bump it when CachedPage's JSON or the key's form changes. 1 was
 * the unversioned `hss-gateway:page:`; 3 added the API to the key; 4 begins the key with its reader
 * (a scope's shared pages), no longer with the credentials that fetched it.
 */
const FORMAT_VERSION = 4;
const PREFIX = `hss-gateway:v${FORMAT_VERSION}:page:`;

export class RedisPageCache implements PageCache {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  async get(key: string, api: HssApiName): Promise<CachedPage<unknown> | undefined> {
    // Unreachable: the outage was reported once (fleet/redis-connection.ts); memory answers.
    if (this.redis.status !== 'ready') return undefined;
    let text: string | null;
    try {
      text = await this.redis.get(PREFIX + key);
    } catch (error) {
      this.logger.warn({ err: error }, 'Redis cache read failed; treating it as a miss');
      return undefined;
    }
    if (text === null) return undefined;
    // A corrupt, truncated or foreign entry is a miss: the page is fetched again and the entry replaced.
    const reading = readEntry(text, api);
    if (reading.ok) return reading.value;
    this.logger.warn({ problem: reading.problem }, 'Redis cache entry is not a page; treating it as a miss');
    return undefined;
  }

  async set(key: string, value: CachedPage<unknown>, keepMs: number): Promise<void> {
    if (this.redis.status !== 'ready') return;
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

/** The entry's page. JSON.parse's own error quotes the text, which must not be logged. */
function readEntry(text: string, api: HssApiName): StoredPageReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  return readStoredPage(value, api);
}
