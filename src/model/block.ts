/**
 * A block: what one upstream call of a list brings, up to 200 rows at a record offset, and how many
 * rows the list holds; and a block as the gateway serves it, with how fresh it is and where it came
 * from. (A *page* is what a client asks of a list; it is cut from blocks, or from a snapshot.)
 */

/** One upstream answer of a list call, as read. */
export interface UpstreamBlock<Row> {
  /** `total_num`: rows matching the query in all blocks (HSS counts at most 10,000). */
  totalNum: number;
  /**
   * The rows in upstream order. A row the gateway could not read is `null` in its place, so the
   * positions of the others (and their cursors) stay true.
   */
  rows: (Row | null)[];
  requestId?: string;
}

/** A block and how fresh it is. */
export interface FetchedBlock<Row> extends UpstreamBlock<Row> {
  /** When HSS answered it, epoch milliseconds. */
  fetchedAt: number;
  /** True when it is older than the cache's time-to-live. */
  stale: boolean;
  /**
   * Where it came from: the cache, a call this load made, or a call another request (or replica)
   * had already made and this one joined (coalescing).
   */
  source: 'cache' | 'call' | 'shared';
}
