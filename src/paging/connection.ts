/**
 * A Relay connection over HSS's offset paging, for any list call: the upstream pages a window of
 * rows needs, fetched through the request's loader, stitched into edges with offset cursors and a
 * truthful pageInfo.
 */
import type { FetchedBlock } from '../quota/block-request.js';
import { offsetToCursor } from './cursor.js';
import { firstPage, followingPages, type PageSlice } from './page-plan.js';
import type { RowWindow } from './window.js';

interface EdgeShape<Node> {
  readonly cursor: string;
  node: Node;
}

export interface ConnectionShape<Node> {
  totalCount: number;
  /** When HSS answered the oldest page in this connection. */
  fetchedAt: Date;
  /** Whether any page is older than the cache's time-to-live. */
  stale: boolean;
  edges: EdgeShape<Node>[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** Fetches one slice of the list: in the gateway, through the request's deduplicating loader. */
export type FetchSlice<Row> = (slice: PageSlice) => Promise<FetchedBlock<Row>>;

/**
 * An edge whose cursor is made when asked for: a `nodes`-only selection of 1,000 rows asks for
 * none, and a cursor costs a base64 encoding.
 */
class Edge<Node> implements EdgeShape<Node> {
  constructor(
    private readonly position: number,
    readonly node: Node,
    /** The snapshot the row was cut from, if any: the cursor names it. */
    private readonly tag: string | undefined,
  ) {}

  get cursor(): string {
    return offsetToCursor(this.position, this.tag);
  }
}

/** Upstream pages as fetched, each at its record offset. */
interface PlacedPage<Row> {
  offset: number;
  page: FetchedBlock<Row>;
}

/**
 * The connection for the rows at [start, start + count) of a list of `totalCount` rows, from the
 * pages that hold them. Positions come from each page's own offset, so a short or odd page cannot
 * shift later cursors.
 */
function connectionOf<Row, Node>(
  placed: readonly PlacedPage<Row>[],
  start: number,
  count: number,
  totalCount: number,
  toNode: (row: Row) => Node,
  /** Pages fetched on the way that hold none of the rows: they still say how fresh the answer is. */
  alsoFetched: readonly FetchedBlock<Row>[] = [],
): ConnectionShape<Node> {
  const fetched = [...placed.map((p) => p.page), ...alsoFetched];
  const end = start + count;
  const edges: EdgeShape<Node>[] = [];
  let consumed = 0;
  for (const { offset, page } of placed) {
    page.rows.forEach((row, index) => {
      const position = offset + index;
      if (position < start || position >= end) return;
      consumed = Math.max(consumed, position - start + 1);
      if (row) edges.push(new Edge(position, toNode(row), page.tag));
    });
  }
  return {
    totalCount,
    fetchedAt: new Date(Math.min(...fetched.map((page) => page.fetchedAt))),
    stale: fetched.some((page) => page.stale),
    edges,
    pageInfo: {
      hasNextPage: start + consumed < totalCount,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** `first` rows from `offset`: the first page, then only the pages that can hold rows. */
async function loadForward<Row, Node>(
  window: RowWindow,
  fetch: FetchSlice<Row>,
  toNode: (row: Row) => Node,
  probe?: FetchedBlock<Row>,
): Promise<ConnectionShape<Node>> {
  const start = window.offset ?? 0;
  const first = await fetch(firstPage(window));
  const following = followingPages(window, first.totalNum);
  const rest = await Promise.all(following.map(fetch));
  const placed = [
    { offset: start, page: first },
    ...rest.map((page, i) => ({ offset: following[i]?.offset ?? start, page })),
  ];
  return connectionOf(placed, start, window.first, first.totalNum, toNode, probe ? [probe] : []);
}

/**
 * The last `first` rows (Relay's `last` without `before`): a first page tells the total; when the
 * rows wanted are in it, it is the only call, else they are read forward from where they begin.
 */
async function loadFromEnd<Row, Node>(
  window: RowWindow,
  fetch: FetchSlice<Row>,
  toNode: (row: Row) => Node,
): Promise<ConnectionShape<Node>> {
  const lower = window.offset ?? 0;
  const probe = await fetch(firstPage(window));
  const total = probe.totalNum;
  const start = Math.max(lower, total - window.first);
  if (total <= lower + probe.rows.length) {
    return connectionOf([{ offset: lower, page: probe }], start, total - start, total, toNode);
  }
  const forward = { ...window, offset: start, first: total - start, firstGiven: true, fromEnd: false };
  return loadForward(forward, fetch, toNode, probe);
}

/** The connection for a window of a list whose slices `fetch` loads; `toNode` makes each row a node. */
export function loadConnection<Row, Node>(
  window: RowWindow,
  fetch: FetchSlice<Row>,
  toNode: (row: Row) => Node,
): Promise<ConnectionShape<Node>> {
  return window.fromEnd ? loadFromEnd(window, fetch, toNode) : loadForward(window, fetch, toNode);
}
