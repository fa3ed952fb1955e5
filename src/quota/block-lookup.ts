/**
 * What the cache holds of blocks, and how it stands: fresh, stale (served while renewed), old, or
 * missing. Each block is read once per request: a lookup the metrics count.
 */
import type { FetchedBlock } from '../model/block.js';
import type { BlockCache, CachedBlock } from './block-cache.js';
import { blockKeyOf } from './block-key.js';
import type { BlockRequest } from './block-request.js';
import { type Freshness, freshnessOf, type Standing, standingOf } from './freshness.js';
import type { QuotaObserver } from './quota-observer.js';

/** A stored block, and how it stands. */
export interface Looked<Row> {
  entry: CachedBlock<Row> | undefined;
  age: number;
  standing: Standing | 'missing';
}

/** A block a call just brought, as if looked up: fresh. */
export const justFetched = <Row>(block: FetchedBlock<Row>): Looked<Row> => ({
  entry: { block, fetchedAt: block.fetchedAt },
  age: 0,
  standing: 'fresh',
});

export class BlockLookup {
  constructor(
    private readonly cache: BlockCache | undefined,
    private readonly freshness: Freshness,
    private readonly now: () => number,
    private readonly observer: QuotaObserver | undefined,
  ) {}

  /** What is stored of a block, however old (within its keep), with no call. */
  async stored<Row>(request: BlockRequest<Row>): Promise<CachedBlock<Row> | undefined> {
    // The key names the API, so what is stored under it is a block of its rows.
    return (await this.cache?.get(blockKeyOf(request), request.api.name)) as CachedBlock<Row> | undefined;
  }

  /**
   * A block as stored, and how it stands; `counted`: a request's lookup (metrics), not a refresh's;
   * `read`: what the caller read of it already.
   */
  async look<Row>(
    request: BlockRequest<Row>,
    counted = true,
    read?: { entry: CachedBlock<Row> | undefined },
  ): Promise<Looked<Row>> {
    const entry = read ? read.entry : await this.stored(request);
    const age = entry ? this.now() - entry.fetchedAt : Number.POSITIVE_INFINITY;
    const standing = entry ? standingOf(age, freshnessOf(this.freshness, request.api.name)) : 'missing';
    if (this.cache && counted) {
      this.observer?.onCacheLookup(standing === 'fresh' ? 'hit' : standing === 'stale' ? 'stale' : 'miss');
    }
    return { entry, age, standing };
  }

  /** Blocks stored together: fresh at one moment, so their rows agree with each other. */
  together(looked: readonly Looked<unknown>[]): boolean {
    const times = looked.map((l) => l.entry?.fetchedAt ?? 0);
    return Math.max(...times) - Math.min(...times) <= this.freshness.ttlMs;
  }
}
