/** The default block cache: an in-process LRU (lru-cache), bounded in entries and in bytes. */
import { LRUCache } from 'lru-cache';
import type { BlockCache, CachedBlock } from './block-cache.js';

export interface MemoryBlockCacheOptions {
  maxEntries: number;
  /** Approximate bytes of all stored blocks together, as they sit in the heap. */
  maxBytes: number;
}

export class MemoryBlockCache implements BlockCache {
  private readonly lru: LRUCache<string, CachedBlock<unknown>>;

  constructor(options: MemoryBlockCacheOptions) {
    this.lru = new LRUCache<string, CachedBlock<unknown>>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      // A row is an object of four fields, about 100 bytes of heap with its slot in the list; the
      // key and the block's own objects about 300. Counting rows avoids measuring every block.
      sizeCalculation: (value) => 300 + value.block.rows.length * 100,
    });
  }

  async get(key: string): Promise<CachedBlock<unknown> | undefined> {
    return this.lru.get(key);
  }

  async set(key: string, value: CachedBlock<unknown>, keepMs: number): Promise<void> {
    this.lru.set(key, value, { ttl: keepMs });
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}
