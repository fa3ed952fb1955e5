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
  cursor: string;
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

export async function loadPortStatisticsConnection(
  request: PortStatisticsRequest,
  load: LoadPage,
): Promise<PortStatisticConnectionShape> {
  const fetchPage = (p: UpstreamPage) => load(request.scope, { ...request.query, ...p });
  const start = request.offset ?? 0;
  const opening = firstPage(request);
  const first = await fetchPage(opening);
  const totalCount = first.totalNum;
  const following = followingPages(request, totalCount);
  const rest = await Promise.all(following.map(fetchPage));

  // Positions come from each page's own offset, so a short or odd page cannot shift later cursors.
  const pages = [
    { offset: start, rows: first.rows },
    ...rest.map((p, i) => ({ offset: following[i]?.offset ?? start, rows: p.rows })),
  ];
  const end = start + request.first;
  const edges: PortStatisticEdgeShape[] = [];
  let consumed = 0;
  for (const { offset, rows } of pages) {
    rows.forEach((row, index) => {
      const position = offset + index;
      if (position >= end) return;
      consumed = Math.max(consumed, position - start + 1);
      if (row) edges.push({ cursor: offsetToCursor(position), node: { ...row, scope: request.scope } });
    });
  }
  const fetched = [first, ...rest];
  return {
    totalCount,
    fetchedAt: new Date(Math.min(...fetched.map((p) => p.fetchedAt))),
    stale: fetched.some((p) => p.stale),
    edges,
    pageInfo: {
      hasNextPage: start + consumed < totalCount,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
