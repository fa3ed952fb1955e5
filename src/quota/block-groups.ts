/**
 * Blocks served together are fetched together: one fetch per group at a time, whoever asks (five
 * requests for one table wait for one group of calls; across a fleet, one replica's).
 */
import type { FetchedBlock } from '../model/block.js';
import type { CachedBlock } from './block-cache.js';
import type { BlockCalls } from './block-calls.js';
import { blockKeyOf } from './block-key.js';
import type { BlockLookup, Looked } from './block-lookup.js';
import { type BlockRequest, type CallContext, sharedCallOf } from './block-request.js';
import type { CallPriority } from './budget-rule.js';
import { served } from './freshness.js';

/** A group of blocks served together, by its first block and its size. */
export const groupKeyOf = (requests: readonly BlockRequest<unknown>[]) =>
  `${blockKeyOf(requests[0] as BlockRequest<unknown>)} blocks=${requests.length}`;

export class BlockGroups {
  constructor(
    private readonly calls: BlockCalls,
    private readonly lookup: BlockLookup,
  ) {}

  /**
   * A group fetched. Shared: whoever started it may go away or run out of time, the others still
   * wait for it (each until its own deadline).
   */
  async fetch<Row>(
    requests: readonly BlockRequest<Row>[],
    looked: readonly Looked<Row>[],
    priority: CallPriority,
    call: CallContext,
  ): Promise<FetchedBlock<Row>[]> {
    const shared = sharedCallOf(call);
    if (requests.length === 1) return this.calls.fetchAll(requests, looked, priority, shared);
    const { landed, joined } = this.calls.once(
      groupKeyOf(requests),
      call,
      () => this.calls.fetchAll(requests, looked, priority, shared),
      () => this.landed(requests),
    );
    const { value, fleet } = await landed;
    return joined || fleet ? value.map((b) => (b.source === 'call' ? { ...b, source: 'shared' } : b)) : value;
  }

  /** A group another replica fetched: each of its blocks stored fresh, or undefined. */
  private async landed<Row>(
    requests: readonly BlockRequest<Row>[],
  ): Promise<FetchedBlock<Row>[] | undefined> {
    const looked = await Promise.all(requests.map((request) => this.lookup.look(request, false)));
    if (!looked.every((l) => l.standing === 'fresh')) return undefined;
    return looked.map((l) => served(l.entry as CachedBlock<Row>, false, 'shared'));
  }
}
