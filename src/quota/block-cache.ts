/**
 * Where blocks (what one upstream call brings) are kept between requests. Keys are canonical
 * upstream requests that begin with their reader (a scope's shared blocks, or a caller's own: see
 * BlockRequest.reader), and name the API, so a block is only ever read back as one of its own
 * API's rows.
 */

import type { UpstreamBlock } from '../model/block.js';
import type { PortStatisticData } from '../model/port-statistic.js';
import type { HssApiName } from '../upstream/hss-apis.js';

export interface CachedBlock<Row = PortStatisticData> {
  block: UpstreamBlock<Row>;
  /** When HSS answered it, epoch milliseconds. */
  fetchedAt: number;
}

export interface BlockCache {
  /**
   * The stored block, or undefined; a broken store answers undefined rather than failing a request.
   * `api` says what rows the block must hold, for stores that check what they read back.
   */
  get(key: string, api: HssApiName): Promise<CachedBlock<unknown> | undefined>;
  /** Stores a block for `keepMs` milliseconds (its whole usable life: fresh and stale windows). */
  set(key: string, value: CachedBlock<unknown>, keepMs: number): Promise<void>;
  close(): Promise<void>;
}
