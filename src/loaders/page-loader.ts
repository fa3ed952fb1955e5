/**
 * The per-request DataLoader for upstream pages of every list call. Its key is the canonical
 * upstream request (credential identity, API, project, sorted query string), so the same query asked twice in one
 * operation (aliases, fragments, a list and a node lookup) is one load; across requests, the page
 * source's cache and coalescing take over.
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import DataLoader from 'dataloader';
import { type Credentials, identityOf } from '../credentials/credentials.js';
import { HssError } from '../errors/hss-error.js';
import { CostLimitError } from '../errors/refusals.js';
import type { PortServerData, PortServersQuery } from '../port-servers/model.js';
import type { LoadPage, PortStatisticRow } from '../port-statistics/connection.js';
import { loadPortStatistics } from '../port-statistics/load-entities.js';
import type { PortStatisticData } from '../port-statistics/model.js';
import { encodePortStatisticKey, type PortStatisticKey } from '../port-statistics/node-id.js';
import { canonicalPageKey } from '../quota/page-key.js';
import type { CallContext, FetchedPage, UpstreamPages } from '../quota/page-source.js';
import { type HssListApi, LIST_PORT_HOST, LIST_PORT_STATISTICS } from '../upstream/hss-apis.js';
import { portServersParameters, portStatisticsParameters } from '../upstream/query-string.js';

/** What the loader reads of the running operation, at call time, and records of it. */
export interface GatewayOperation {
  readonly name: string | null;
  readonly traceContext?: OtelContext;
  /** Filled in as pages load: when the oldest was fetched, and whether any was stale. */
  freshness?: { oldestFetchedAt: number; stale: boolean };
  /** What the cost limit priced the operation at, in upstream calls. */
  estimatedCost?: number;
  /** Distinct pages the operation has asked for so far: each could be an upstream call. */
  pagesAsked: number;
  /** Of those: upstream calls it made, calls of other requests it joined, pages from the cache. */
  upstreamCalls: number;
  sharedCalls: number;
  cachedPages: number;
}

/** One upstream page: which list call, for which project, with which parameters. */
interface PageKey {
  api: HssListApi<unknown>;
  projectId: string;
  /** In canonical order (see upstream/query-string.ts). */
  parameters: [string, string][];
}

/** Loads one page of the servers with a port open; in the gateway, the request's loader. */
export type LoadServersPage = (
  projectId: string,
  query: PortServersQuery,
) => Promise<FetchedPage<PortServerData>>;

export interface PageLoaderOptions {
  pages: UpstreamPages;
  /** An error instead: every load fails with it, and nothing is sent upstream. */
  credentials: Credentials | HssError;
  /** The request's logger and deadline; the operation's name is read at call time. */
  call: Omit<CallContext, 'operationName' | 'traceContext'> & { operation: GatewayOperation };
  /** The most distinct pages one operation may ask for (MAX_OPERATION_COST). */
  maxPages: number;
}

export type PageLoader = DataLoader<PageKey, FetchedPage<unknown>, string>;

export function createPageLoader(options: PageLoaderOptions): PageLoader {
  const { pages, credentials, call, maxPages } = options;
  const identity = identityOf(credentials) ?? 'none';
  return new DataLoader<PageKey, FetchedPage<unknown>, string>(
    // HSS has no batch call: each distinct key is one concurrent load.
    async (keys) => {
      if (credentials instanceof HssError) return keys.map(() => credentials);
      const { operation } = call;
      const { name, traceContext } = operation;
      const context: CallContext = { logger: call.logger, operationName: name };
      if (traceContext) context.traceContext = traceContext;
      if (call.cancellation) context.cancellation = call.cancellation;
      if (call.deadlineAt !== undefined) context.deadlineAt = call.deadlineAt;
      const loadOne = async (key: PageKey): Promise<FetchedPage<unknown>> => {
        if (++operation.pagesAsked > maxPages) throw new CostLimitError(maxPages);
        const page = await pages.load({ ...key, credentials, identity }, context);
        if (page.source === 'call') operation.upstreamCalls++;
        else if (page.source === 'shared') operation.sharedCalls++;
        else operation.cachedPages++;
        const seen = operation.freshness;
        operation.freshness = {
          oldestFetchedAt: Math.min(seen?.oldestFetchedAt ?? page.fetchedAt, page.fetchedAt),
          stale: (seen?.stale ?? false) || page.stale,
        };
        return page;
      };
      return Promise.all(
        keys.map((key) =>
          loadOne(key).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        ),
      );
    },
    { cacheKeyFn: (key) => canonicalPageKey(identity, key.api.name, key.projectId, key.parameters) },
  );
}

// The loader's keys name their API, so each load answers a page of that API's rows.

/** The loader as the statistics' connection and node resolvers use it. */
export function statisticsPageLoader(loader: PageLoader): LoadPage {
  return (scope, query) =>
    loader.load({
      api: LIST_PORT_STATISTICS,
      projectId: scope.projectId,
      parameters: portStatisticsParameters(query),
    }) as Promise<FetchedPage<PortStatisticData>>;
}

/** The loader as the servers' connections use it. */
export function serversPageLoader(loader: PageLoader): LoadServersPage {
  return (projectId, query) =>
    loader.load({
      api: LIST_PORT_HOST,
      projectId,
      parameters: portServersParameters(query),
    }) as Promise<FetchedPage<PortServerData>>;
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
