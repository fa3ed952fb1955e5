/**
 * The shared block cache for several gateway replicas: Redis (ioredis). A Redis that is down or
 * slow costs a cache miss and a warning, never a failed request.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { HssApiName } from '../upstream/hss-apis.js';
import type { BlockCache, CachedBlock } from './block-cache.js';
import { readStoredBlock, type StoredBlockReading } from './stored-block.js';

/**
 * The format of the stored value, in every key: a gateway never reads entries written in another
 * format (they expire on their own). Bump it when CachedBlock's JSON or the key's form changes. 1 was
 * the unversioned `hss-gateway:page:`; 3 added the API to the key; 4 names blocks (`…:block:`) and
 * begins the key with its reader
 * (a scope's shared blocks), no longer with the credentials that fetched it.
 */
const FORMAT_VERSION = 4;
const PREFIX = `hss-gateway:v${FORMAT_VERSION}:block:`;

export class RedisBlockCache implements BlockCache {
  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  async get(key: string, api: HssApiName): Promise<CachedBlock<unknown> | undefined> {
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
    // A corrupt, truncated or foreign entry is a miss: the block is fetched again and the entry replaced.
    const reading = readEntry(text, api);
    if (reading.ok) return reading.value;
    this.logger.warn({ problem: reading.problem }, 'Redis cache entry is not a block; treating it as a miss');
    return undefined;
  }

  async set(key: string, value: CachedBlock<unknown>, keepMs: number): Promise<void> {
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

/** The entry's block. JSON.parse's own error quotes the text, which must not be logged. */
function readEntry(text: string, api: HssApiName): StoredBlockReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  return readStoredBlock(value, api);
}
