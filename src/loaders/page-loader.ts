/**
 * The per-request DataLoader for upstream pages of every list call. Its key is the canonical
 * upstream request (credential identity, API, project, sorted query string), so the same query asked twice in one
 * operation (aliases, fragments, a list and a node lookup) is one load; across requests, the page
 * source's cache and coalescing take over.
 */
import DataLoader from 'dataloader';
import { isAllGrantedEps } from '../auth/access-policy.js';
import type { Caller } from '../auth/principal.js';
import { identityOf } from '../credentials/credentials.js';
import { HssError } from '../errors/hss-error.js';
import { CostLimitError } from '../errors/refusals.js';
import type { PortStatisticData, PortStatisticScope, PortStatisticsQuery } from '../model/port-statistic.js';
import { sliceFromBlocks } from '../paging/blocks.js';
import type { LoadServersPage } from '../port-servers/connection.js';
import type { LoadPage, PortStatisticRow } from '../port-statistics/connection.js';
import { loadPortStatistics } from '../port-statistics/load-entities.js';
import { type LocalFilter, localFiltersOf, selectRows } from '../port-statistics/local-query.js';
import { encodePortStatisticKey, type PortStatisticKey } from '../port-statistics/node-id.js';
import { canonicalBlockKey } from '../quota/block-key.js';
import {
  type BlockRequest,
  type CallContext,
  type FetchedBlock,
  type FetchedSnapshot,
  SHARED_READER,
} from '../quota/block-request.js';
import type { UpstreamBlocks } from '../quota/block-source.js';
import { enterpriseProjectOf } from '../quota/entitlements.js';
import { type OperationLedger, recordServed } from '../request/ledger.js';
import {
  type HssListApi,
  LIST_PORT_HOST,
  LIST_PORT_STATISTICS,
  UPSTREAM_MAX_LIMIT,
  UPSTREAM_MIN_LIMIT,
} from '../upstream/hss-apis.js';
import { portServersParameters, portStatisticsParameters } from '../upstream/query-string.js';
import type { ListedRows } from './listed-rows.js';

/** What the loader loads: one upstream page, or a list's whole table (a snapshot). */
interface LoadKey {
  kind: 'page' | 'snapshot';
  api: HssListApi<unknown>;
  projectId: string;
  /** In canonical order (see upstream/query-string.ts); a snapshot's have no `limit` or `offset`. */
  parameters: [string, string][];
  /** A snapshot's version to cut from while it is kept (a cursor's). */
  tag?: string;
}

/** A snapshot load answers `undefined` when the table is too large for one. */
type Loaded = FetchedBlock<unknown> | { snapshot: FetchedSnapshot<unknown> | undefined };

export interface PageLoaderOptions {
  pages: UpstreamBlocks;
  /** Who asks; an error instead: every load fails with it, and nothing is sent upstream. */
  caller: Caller | HssError;
  /** The request's logger and deadline; the operation's name is read at call time. */
  call: Omit<CallContext, 'operationName' | 'traceContext'> & { operation: OperationLedger };
  /** The most distinct pages one operation may ask for (MAX_OPERATION_COST). */
  maxPages: number;
  /** When lists are answered from snapshots of their whole table. */
  snapshots: SnapshotPolicy;
}

/** SNAPSHOT_MAX_PAGES and SNAPSHOT_UPSTREAM_FILTERS. */
export interface SnapshotPolicy {
  /** The most pages of 200 a snapshot may take; 0: no snapshots. */
  maxPages: number;
  /** Filters (and `orderBy`) always sent to HSS: a query with one is not answered from a snapshot. */
  upstreamFilters: ReadonlySet<LocalFilter>;
}

export type PageLoader = DataLoader<LoadKey, Loaded, string>;

/** Whose pages the caller reads in a scope: shared, or its own credentials' (`all_granted_eps`). */
export const readerFor = (identity: string, enterpriseProjectId: string | undefined) =>
  isAllGrantedEps(enterpriseProjectId) ? identity : SHARED_READER;

/**
 * The upstream request for a key, as the caller may make it: refused by its access, or reading its
 * scope's shared pages (proving the scope first where its access is by proof), or its own where
 * HSS answers each caller differently (`all_granted_eps`).
 */
function requestFor(caller: Caller, identity: string, key: LoadKey): BlockRequest<unknown> {
  const enterpriseProjectId = enterpriseProjectOf(key.parameters);
  const access = caller.access(key.projectId, enterpriseProjectId);
  if (access instanceof HssError) throw access;
  return {
    api: key.api,
    projectId: key.projectId,
    parameters: key.parameters,
    credentials: caller.credentials,
    identity,
    reader: readerFor(identity, enterpriseProjectId),
    principal: caller.principal.id,
    mustProve: access === 'proof',
  };
}

export function createPageLoader(options: PageLoaderOptions): PageLoader {
  const { pages, caller, call, maxPages } = options;
  const identity = caller instanceof HssError ? 'none' : identityOf(caller.credentials);
  return new DataLoader<LoadKey, Loaded, string>(
    // HSS has no batch call: each distinct key is one concurrent load.
    async (keys) => {
      if (caller instanceof HssError) return keys.map(() => caller);
      const { operation } = call;
      const { name, traceContext } = operation;
      const context: CallContext = {
        logger: call.logger,
        operationName: name,
        clientAddress: call.clientAddress,
        // Every call made for this request, those HSS refused included (extensions.cost).
        onUpstreamCall: () => {
          operation.upstreamCalls++;
        },
        mayCall: caller.mayCall,
      };
      if (traceContext) context.traceContext = traceContext;
      if (call.cancellation) context.cancellation = call.cancellation;
      if (call.deadlineAt !== undefined) context.deadlineAt = call.deadlineAt;
      const record = (page: FetchedBlock<unknown>, pagesServed: number) =>
        recordServed(operation, page, pagesServed);
      const loadOne = async (key: LoadKey): Promise<Loaded> => {
        if (++operation.pagesAsked > maxPages) throw new CostLimitError(maxPages);
        const request = requestFor(caller, identity, key);
        if (key.kind === 'page') {
          const page = await pages.load(request, context);
          record(page, 1);
          return page;
        }
        const snapshot = await pages.loadSnapshot(
          { ...request, maxPages: options.snapshots.maxPages },
          context,
          key.tag,
        );
        if (snapshot) {
          // Its further pages count towards the operation's limit once it has them.
          operation.pagesAsked += snapshot.pages - 1;
          record(snapshot, snapshot.pages);
        }
        return { snapshot };
      };
      return Promise.all(
        keys.map((key) =>
          loadOne(key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        ),
      );
    },
    {
      cacheKeyFn: (key) =>
        `${key.kind} ${key.tag ?? ''} ${canonicalBlockKey(identity, key.api.name, key.projectId, key.parameters)}`,
    },
  );
}

/** A page of 200 rows of a list: the block at `offset` (see paging/blocks.ts). */
function blockLoader<Query extends object>(
  loader: PageLoader,
  api: HssListApi<unknown>,
  projectId: string,
  parametersOf: (query: Query & { limit?: number; offset?: number }) => [string, string][],
  query: Query,
) {
  return (offset: number) =>
    loader.load({
      kind: 'page',
      api,
      projectId,
      parameters: parametersOf({
        ...query,
        limit: UPSTREAM_MAX_LIMIT,
        offset: offset > 0 ? offset : undefined,
      }),
    }) as Promise<FetchedBlock<never>>;
}

/** Whether a snapshot failure may be covered by pages already cached: a budget or HSS being down. */
const coverable = (error: unknown) =>
  error instanceof HssError &&
  (error.code === 'RATE_LIMITED' ||
    error.code === 'UPSTREAM_UNAVAILABLE' ||
    (error.code === 'UPSTREAM_ERROR' && (error.upstream?.status ?? 500) >= 500));

/**
 * The loader as the statistics' connection, summary and node resolvers use it: a query is cut from
 * the snapshot of its scope's whole table when the table is small enough (and the query uses no
 * filter sent to HSS), else from the pages of 200 of its own query. A snapshot the budget cannot pay
 * for yet falls back to those pages, which may already be cached.
 */
export function statisticsPageLoader(
  loader: PageLoader,
  policy: SnapshotPolicy,
  listed?: RecentlyListed,
): LoadPage {
  return async (scope, query) => {
    const { limit, offset, snapshotTag, ...filters } = query;
    if (policy.maxPages > 0 && !localFiltersOf(filters).some((used) => policy.upstreamFilters.has(used))) {
      const table: PortStatisticsQuery = {};
      if (scope.enterpriseProjectId !== undefined) table.enterpriseProjectId = scope.enterpriseProjectId;
      if (scope.category !== undefined) table.category = scope.category;
      const key: LoadKey = {
        kind: 'snapshot',
        api: LIST_PORT_STATISTICS,
        projectId: scope.projectId,
        parameters: portStatisticsParameters(table),
      };
      if (snapshotTag !== undefined) key.tag = snapshotTag;
      const loaded = await loader.load(key).catch((error: unknown) => {
        if (coverable(error)) return { snapshot: undefined };
        throw error;
      });
      const snapshot = 'snapshot' in loaded ? (loaded.snapshot as FetchedSnapshot | undefined) : undefined;
      if (snapshot) return cutSnapshot(snapshot, filters, offset, limit);
    }
    const reader = listed?.readerOf(scope);
    const known = listed && reader !== undefined && lookedUp(listed, reader, scope, query);
    if (known) return known;
    const page = await sliceFromBlocks(
      { offset, limit },
      blockLoader(loader, LIST_PORT_STATISTICS, scope.projectId, portStatisticsParameters, filters),
    );
    if (reader !== undefined) listed?.rows.remember(reader, scope, page.rows, page.fetchedAt);
    return page;
  };
}

/** Rows listed lately (listed-rows.ts), and how long one may stand in for a lookup. */
export interface RecentlyListed {
  rows: ListedRows;
  /**
   * Whose listed rows the caller may be answered from in a scope (a page's reader, see
   * BlockRequest.reader); undefined: none, it goes to the pages (a caller that must prove the scope).
   */
  readerOf(scope: PortStatisticScope): string | undefined;
  operation: OperationLedger;
  /** A row is fresh this long after the page that listed it (CACHE_TTL_SECONDS)... */
  ttlMs: number;
  /** ...and served, marked stale, this long (its page would be, while renewed). */
  servableMs: number;
  now: () => number;
}

/**
 * A lookup of one row by its port and protocol (`node(id:)`, `_entities`) answered from the row as
 * it was last listed, while its page would still be served: a drill-down click costs no call.
 */
function lookedUp(
  listed: RecentlyListed,
  reader: string,
  scope: PortStatisticScope,
  query: PortStatisticsQuery,
) {
  const { port, type, ...rest } = query;
  const onlyPortAndType = Object.entries(rest).every(
    ([name, value]) => value === undefined || name === 'enterpriseProjectId' || name === 'category',
  );
  if (port === undefined || type === undefined || !onlyPortAndType) return undefined;
  const hit = listed.rows.find(reader, scope, port, type);
  const age = hit ? listed.now() - hit.fetchedAt : Number.POSITIVE_INFINITY;
  if (!hit || age > listed.servableMs) return undefined;
  const page: FetchedBlock = {
    totalNum: 1,
    rows: [hit.row],
    fetchedAt: hit.fetchedAt,
    stale: age > listed.ttlMs,
    source: 'cache',
  };
  recordServed(listed.operation, page, 1);
  return page;
}

/** What HSS would answer for the query, from the scope's whole table. */
function cutSnapshot(
  snapshot: FetchedSnapshot,
  filters: PortStatisticsQuery,
  offset = 0,
  limit = UPSTREAM_MIN_LIMIT,
): FetchedBlock {
  const selected = selectRows(snapshot.rows as PortStatisticData[], filters);
  return {
    totalNum: selected.length,
    rows: selected.slice(offset, offset + limit),
    fetchedAt: snapshot.fetchedAt,
    stale: snapshot.stale,
    source: snapshot.source,
    tag: snapshot.tag,
  };
}

/** The loader as the servers' connections use it: windows cut from pages of 200. */
export function serversPageLoader(loader: PageLoader): LoadServersPage {
  return (projectId, { limit, offset, ...query }) =>
    sliceFromBlocks(
      { offset, limit },
      blockLoader(loader, LIST_PORT_HOST, projectId, portServersParameters, query),
    );
}

/**
 * The per-request loader of PortStatistics by identity: `node`, `nodes` and federation's
 * `_entities` all go through it, so a batch of keys is planned together (see load-entities.ts).
 */
export function createEntityLoader(
  load: LoadPage,
): DataLoader<PortStatisticKey, PortStatisticRow | null, string> {
  return new DataLoader((keys) => loadPortStatistics(keys, load), { cacheKeyFn: encodePortStatisticKey });
}
