/**
 * A fleet's block cache: Redis, which every replica reads, with this replica's memory beside it.
 * Every block this replica stores or reads is kept in memory too, so a Redis that fails (or lost its
 * data) still leaves each replica the blocks it served: stale ones stand in while calls are scarce.
 * Of the two copies of a block, the fresher one is answered.
 */
import type { HssApiName } from '../upstream/hss-apis.js';
import type { BlockCache, CachedBlock } from './block-cache.js';

export class TieredBlockCache implements BlockCache {
  /** @param keepMs how long a block read from Redis is kept in memory: a block's whole usable life */
  constructor(
    private readonly near: BlockCache,
    private readonly far: BlockCache,
    private readonly keepMs: number,
  ) {}

  async get(key: string, api: HssApiName): Promise<CachedBlock<unknown> | undefined> {
    const [far, near] = await Promise.all([this.far.get(key, api), this.near.get(key, api)]);
    if (far && (!near || far.fetchedAt > near.fetchedAt)) {
      await this.near.set(key, far, this.keepMs);
      return far;
    }
    return near;
  }

  async set(key: string, value: CachedBlock<unknown>, keepMs: number): Promise<void> {
    await Promise.all([this.near.set(key, value, keepMs), this.far.set(key, value, keepMs)]);
  }

  async close(): Promise<void> {
    await Promise.all([this.near.close(), this.far.close()]);
  }
}
