/**
 * A Relay connection over HSS's offset paging: the upstream pages a window needs, fetched through
 * the request's loader, stitched into edges with offset cursors and a truthful pageInfo.
 */

import type { FetchedPage } from '../quota/page-source.js';
import type { PortStatisticsRequest } from './arguments.js';
import { offsetToCursor } from './cursor.js';
import type { PortStatistic, PortStatisticScope, PortStatisticsQuery } from './model.js';
import { firstPage, followingPages, type UpstreamPage } from './page-plan.js';

/** A row as the GraphQL layer holds it: the statistic and the scope that gives it its identity. */
export interface PortStatisticRow extends PortStatistic {
  scope: PortStatisticScope;
}

export interface PortStatisticEdgeShape {
  readonly cursor: string;
  node: PortStatisticRow;
}

export interface PortStatisticConnectionShape {
  totalCount: number;
  /** When HSS answered the oldest page in this connection. */
  fetchedAt: Date;
  /** Whether any page is older than the cache's time-to-live. */
  stale: boolean;
  edges: PortStatisticEdgeShape[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** Loads one upstream page; in the gateway, the request's deduplicating loader. */
export type LoadPage = (scope: PortStatisticScope, query: PortStatisticsQuery) => Promise<FetchedPage>;

/**
 * An edge whose cursor is made when asked for: a `nodes`-only selection of 1,000 rows asks for
 * none, and a cursor costs a base64 encoding.
 */
class Edge implements PortStatisticEdgeShape {
  constructor(
    private readonly position: number,
    readonly node: PortStatisticRow,
  ) {}

  get cursor(): string {
    return offsetToCursor(this.position);
  }
}

/** Upstream pages as fetched, each at its record offset. */
interface PlacedPage {
  offset: number;
  page: FetchedPage;
}

/**
 * The connection for the rows at [start, start + count) of a list of `totalCount` rows, from the
 * pages that hold them. Positions come from each page's own offset, so a short or odd page cannot
 * shift later cursors.
 */
function connectionOf(
  request: PortStatisticsRequest,
  placed: readonly PlacedPage[],
  start: number,
  count: number,
  totalCount: number,
  /** Pages fetched on the way that hold none of the rows: they still say how fresh the answer is. */
  alsoFetched: readonly FetchedPage[] = [],
): PortStatisticConnectionShape {
  const fetched = [...placed.map((p) => p.page), ...alsoFetched];
  const end = start + count;
  const edges: PortStatisticEdgeShape[] = [];
  let consumed = 0;
  for (const { offset, page } of placed) {
    page.rows.forEach((row, index) => {
      const position = offset + index;
      if (position < start || position >= end) return;
      consumed = Math.max(consumed, position - start + 1);
      if (row) edges.push(new Edge(position, { ...row, scope: request.scope }));
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
async function loadForward(request: PortStatisticsRequest, load: LoadPage, probe?: FetchedPage) {
  const fetchPage = (p: UpstreamPage) => load(request.scope, { ...request.query, ...p });
  const start = request.offset ?? 0;
  const first = await fetchPage(firstPage(request));
  const following = followingPages(request, first.totalNum);
  const rest = await Promise.all(following.map(fetchPage));
  const placed = [
    { offset: start, page: first },
    ...rest.map((page, i) => ({ offset: following[i]?.offset ?? start, page })),
  ];
  return connectionOf(request, placed, start, request.first, first.totalNum, probe ? [probe] : []);
}

/**
 * The last `first` rows (Relay's `last` without `before`): a first page tells the total; when the
 * rows wanted are in it, it is the only call, else they are read forward from where they begin.
 */
async function loadFromEnd(request: PortStatisticsRequest, load: LoadPage) {
  const lower = request.offset ?? 0;
  const opening = firstPage(request);
  const probe = await load(request.scope, { ...request.query, ...opening });
  const total = probe.totalNum;
  const start = Math.max(lower, total - request.first);
  if (total <= lower + probe.rows.length) {
    return connectionOf(request, [{ offset: lower, page: probe }], start, total - start, total);
  }
  const forward = { ...request, offset: start, first: total - start, firstGiven: true, fromEnd: false };
  return loadForward(forward, load, probe);
}

export function loadPortStatisticsConnection(
  request: PortStatisticsRequest,
  load: LoadPage,
): Promise<PortStatisticConnectionShape> {
  return request.fromEnd ? loadFromEnd(request, load) : loadForward(request, load);
}
