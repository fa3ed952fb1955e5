/**
 * Which rows of a list a request wants (a window, from its paging arguments), and the rows read for
 * it: what the domain's connections are made of, whether they came from blocks or a snapshot.
 */

/** Rows read forward: `first` rows from `offset`. */
export interface RowWindow {
  /** Rows wanted. */
  first: number;
  /** Record offset of the first row; undefined when the caller gave no `after` or `offset`. */
  offset: number | undefined;
  /** Exclusive record offset where the window ends (`before`); undefined: the list's end. */
  end?: number;
  /**
   * Backward paging (`last`): the window is the last `first` rows before `end` (or the list's end,
   * which the first block tells), but not before `offset` (`after`).
   */
  fromEnd?: boolean;
  /** The snapshot the cursor given was cut from: the rows are cut from it again while it is kept. */
  tag?: string;
}

/** The rows a window holds, as read. */
export interface RowsRead<Row> {
  /** The record offset of `rows[0]`. */
  start: number;
  /** The rows from `start` on; null where a row could not be read (its position stays true). */
  rows: (Row | null)[];
  /** How many rows the list holds (HSS counts at most 10,000). */
  totalCount: number;
  /** When HSS answered the oldest of what was read, epoch milliseconds. */
  fetchedAt: number;
  /** Whether any of it is older than the cache's time-to-live. */
  stale: boolean;
  /** The snapshot the rows were cut from, if they were: cursors name it. */
  tag?: string;
}

/** What one GraphQL operation spent of HSS's quota so far, and how fresh its data is. */
export interface OperationLedger {
  readonly name: string | null;
  /** Filled in as blocks are served: when the oldest was fetched, and whether any was stale. */
  freshness?: { oldestFetchedAt: number; stale: boolean };
  /** What the operation was priced at before it ran, in upstream calls (MAX_OPERATION_COST). */
  price?: number;
  /** Distinct blocks the operation has asked for so far: each could be an upstream call. */
  blocksAsked: number;
  /** Blocks served to it, however they came: what a response-cache hit of its answer serves. */
  blocksServed: number;
  /** Upstream calls it made (every attempt), calls of other requests it joined, blocks from the cache. */
  upstreamCalls: number;
  sharedCalls: number;
  cachedBlocks: number;
}

/** Records how blocks reached the operation: their freshness, and whether calls were saved. */
export function recordServed(
  operation: OperationLedger,
  served: { source: 'cache' | 'call' | 'shared'; fetchedAt: number; stale: boolean },
  blocks: number,
): void {
  operation.blocksServed += blocks;
  if (served.source === 'shared') operation.sharedCalls += blocks;
  else if (served.source === 'cache') operation.cachedBlocks += blocks;
  const seen = operation.freshness;
  operation.freshness = {
    oldestFetchedAt: Math.min(seen?.oldestFetchedAt ?? served.fetchedAt, served.fetchedAt),
    stale: (seen?.stale ?? false) || served.stale,
  };
}
