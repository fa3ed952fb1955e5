/**
 * A list's whole table, fetched once and then asked any question: HSS's quota counts calls, not
 * rows, and one call brings up to 200 rows, so a table of a few hundred rows costs a few calls, after
 * which every filter, order and page of it costs none. The table is fetched in pages of 200 in the
 * order HSS lists it unsorted: the first alone (its `total_num` says how many follow), then the rest
 * together, their calls granted at once or not at all, since rows of different moments must not be
 * mixed into one answer. A table of more than `maxPages` pages is not fetched: what is kept is its
 * size alone (no rows), and its first page is cached like any other for the caller to page through.
 */
import { createHash } from 'node:crypto';
import { UPSTREAM_MAX_LIMIT } from '../upstream/hss-apis.js';
import type { CallPriority } from './budget-rule.js';
import type { CachedPage, PageCache } from './page-cache.js';
import { pageKeyOf } from './page-key.js';
import type { CallContext, FetchedPage, PageRequest } from './page-source.js';

export interface SnapshotRequest {
  /** The most pages of 200 a snapshot may take (SNAPSHOT_MAX_PAGES). */
  maxPages: number;
}

/** What fetching a snapshot uses of the page source. */
export interface SnapshotParts {
  cache: PageCache | undefined;
  /** How long a cached page is fresh (CACHE_TTL_SECONDS). */
  ttlMs: number;
  now: () => number;
  /** One page of the table: from the cache while fresh, else a call (`prepaid` if its unit is taken). */
  page<Row>(
    request: PageRequest<Row>,
    priority: CallPriority,
    call: CallContext,
    prepaid: number,
  ): Promise<FetchedPage<Row>>;
  /** Takes `calls` units of the budget at once, or throws the refusal. */
  take(calls: number, priority: CallPriority): Promise<void>;
}

/** The parameters of the table's page at `offset` (`offset` is sent only past the first page). */
function pageParameters(parameters: readonly [string, string][], offset: number): [string, string][] {
  const paging: [string, string][] = [['limit', String(UPSTREAM_MAX_LIMIT)]];
  if (offset > 0) paging.push(['offset', String(offset)]);
  return [...parameters, ...paging].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function fetchSnapshot<Row>(
  request: PageRequest<Row> & SnapshotRequest,
  priority: CallPriority,
  call: CallContext,
  parts: SnapshotParts,
): Promise<CachedPage<Row>> {
  const pageAt = (offset: number): PageRequest<Row> => ({
    ...request,
    parameters: pageParameters(request.parameters, offset),
  });
  const first = await parts.page(pageAt(0), priority, call, 0);
  const pages = Math.max(1, Math.ceil(first.totalNum / UPSTREAM_MAX_LIMIT));
  if (pages > request.maxPages) {
    return { page: { totalNum: first.totalNum, rows: [] }, fetchedAt: first.fetchedAt };
  }
  const offsets = Array.from({ length: pages - 1 }, (_, i) => (i + 1) * UPSTREAM_MAX_LIMIT);
  // Pages still fresh in the cache cost nothing; the others are paid for together.
  const cached = await Promise.all(
    offsets.map(async (offset) => {
      const stored = await parts.cache?.get(pageKeyOf(pageAt(offset)), request.api.name);
      return stored !== undefined && parts.now() - stored.fetchedAt <= parts.ttlMs;
    }),
  );
  const toCall = cached.filter((isCached) => !isCached).length;
  if (toCall > 0) await parts.take(toCall, priority);
  const rest = await Promise.all(
    offsets.map((offset, i) => parts.page(pageAt(offset), priority, call, cached[i] ? 0 : 1)),
  );
  return assemble([first, ...rest]);
}

/**
 * One table from its pages. Rows HSS counted twice or skipped between two calls (the table changed
 * while it was read) are counted as they are: each port and protocol once.
 */
function assemble<Row>(pages: readonly FetchedPage<Row>[]): CachedPage<Row> {
  const rows: Row[] = [];
  const seen = new Set<string>();
  for (const page of pages) {
    for (const row of page.rows) {
      if (row === null) continue;
      const key = JSON.stringify(row);
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push(row);
    }
  }
  return {
    page: { totalNum: rows.length, rows },
    fetchedAt: Math.min(...pages.map((page) => page.fetchedAt)),
  };
}

const tags = new WeakMap<readonly unknown[], string>();

/** A short name of a table's content: the same rows in the same order, the same tag. */
export function snapshotTag(rows: readonly unknown[]): string {
  let tag = tags.get(rows);
  if (tag === undefined) {
    tag = createHash('sha256').update(JSON.stringify(rows)).digest('base64url').slice(0, 12);
    tags.set(rows, tag);
  }
  return tag;
}
