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
import type { BlockCache, CachedBlock } from './block-cache.js';
import { blockKeyOf } from './block-key.js';
import type { BlockRequest, CallContext, FetchedBlock } from './block-request.js';
import type { CallPriority } from './budget-rule.js';
import type { GrantedCall } from './call-budget.js';

export interface SnapshotRequest {
  /** The most pages of 200 a snapshot may take (SNAPSHOT_MAX_PAGES). */
  maxPages: number;
  /** The table's size when it was last seen, if it was: its pages are paid for at once. */
  knownRows?: number;
}

/** What fetching a snapshot uses of the page source. */
export interface SnapshotParts {
  cache: BlockCache | undefined;
  /** How long a cached page is fresh (CACHE_TTL_SECONDS). */
  ttlMs: number;
  now: () => number;
  /** One page of the table: from the cache while fresh, else a call (`prepaid`: granted already). */
  page<Row>(
    request: BlockRequest<Row>,
    priority: CallPriority,
    call: CallContext,
    prepaid: GrantedCall | undefined,
  ): Promise<FetchedBlock<Row>>;
  /** Takes `calls` calls of the budget at once, or throws the refusal. */
  take(calls: number, priority: CallPriority): Promise<GrantedCall[]>;
}

/** The parameters of the table's page at `offset` (`offset` is sent only past the first page). */
function pageParameters(parameters: readonly [string, string][], offset: number): [string, string][] {
  const paging: [string, string][] = [['limit', String(UPSTREAM_MAX_LIMIT)]];
  if (offset > 0) paging.push(['offset', String(offset)]);
  return [...parameters, ...paging].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The page of 200 rows of a table (a list call's query without paging) at `offset`. */
export function tablePage<R extends { parameters: [string, string][] }>(table: R, offset: number): R {
  return { ...table, parameters: pageParameters(table.parameters, offset) };
}

/**
 * Fetches the table. Its size is known from what is stored of it (an older snapshot, or its first
 * page), so all its pages are paid for at once and fetched together; a table seen for the first
 * time is asked for its first page alone, then the rest.
 */
export async function fetchSnapshot<Row>(
  request: BlockRequest<Row> & SnapshotRequest,
  priority: CallPriority,
  call: CallContext,
  parts: SnapshotParts,
): Promise<CachedBlock<Row>> {
  const pageAt = (offset: number): BlockRequest<Row> => tablePage(request, offset);
  const stored = await parts.cache?.get(blockKeyOf(pageAt(0)), request.api.name);
  // A table known to be too large is asked for its first page alone: it tells whether that changed.
  const known = pagesOf(request.knownRows ?? stored?.block.totalNum ?? 0);
  const expected = known > request.maxPages ? 1 : known;
  const pages = await fetchPages(pageAt, 0, expected, priority, call, parts);
  const total = pages[0]?.totalNum ?? 0;
  const fetchedAt = pages[0]?.fetchedAt ?? parts.now();
  // Too large: only its size is kept, and its pages are cached for the caller to page through.
  const notASnapshot = { block: { totalNum: total, rows: [] }, fetchedAt };
  const needed = pagesOf(total);
  if (needed > request.maxPages) return notASnapshot;
  // The table grew since it was last seen: its further pages now.
  if (needed > pages.length) {
    pages.push(...(await fetchPages(pageAt, pages.length, needed, priority, call, parts)));
  }
  const table = assemble(pages.slice(0, needed));
  // Rows HSS counted but did not list (or the gateway could not read): a snapshot would answer
  // wrong totals, so the list is answered from its pages, as HSS gave them.
  return table.block.rows.length === total ? table : notASnapshot;
}

const pagesOf = (rows: number) => Math.max(1, Math.ceil(rows / UPSTREAM_MAX_LIMIT));

/** Pages [from, to) of the table: those fresh in the cache for nothing, the others paid at once. */
async function fetchPages<Row>(
  pageAt: (offset: number) => BlockRequest<Row>,
  from: number,
  to: number,
  priority: CallPriority,
  call: CallContext,
  parts: SnapshotParts,
): Promise<FetchedBlock<Row>[]> {
  const offsets = Array.from({ length: to - from }, (_, i) => (from + i) * UPSTREAM_MAX_LIMIT);
  const fresh = await Promise.all(
    offsets.map(async (offset) => {
      const stored = await parts.cache?.get(blockKeyOf(pageAt(offset)), pageAt(offset).api.name);
      return stored !== undefined && parts.now() - stored.fetchedAt <= parts.ttlMs;
    }),
  );
  const toCall = fresh.filter((isFresh) => !isFresh).length;
  const granted = toCall > 0 ? await parts.take(toCall, priority) : [];
  return Promise.all(
    offsets.map((offset, i) =>
      parts.page(pageAt(offset), priority, call, fresh[i] ? undefined : granted.shift()),
    ),
  );
}

/**
 * One table from its pages: their rows in order, each row once (a row listed on two pages because
 * the table moved between two calls is one row; a row skipped for the same reason makes the table
 * fall short of its total, which fetchSnapshot then refuses to answer from).
 */
function assemble<Row>(pages: readonly FetchedBlock<Row>[]): CachedBlock<Row> {
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
    block: { totalNum: rows.length, rows },
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
