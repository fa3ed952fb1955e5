/**
 * The per-request DataLoader for upstream pages. Its key is the canonical upstream request
 * (credential identity, project, sorted query string), so the same query asked twice in one
 * operation (aliases, fragments, a list and a node lookup) is one load; across requests, the page
 * source's cache and coalescing take over.
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import DataLoader from 'dataloader';
import { canonicalPageKey } from '../quota/page-key.js';
import type { CallContext, FetchedPage, UpstreamPages } from '../quota/page-source.js';
import { type Credentials, credentialIdentity } from '../upstream/credentials.js';
import { HssError } from '../upstream/hss-error.js';
import type { LoadPage, PortStatisticRow } from './connection.js';
import { loadPortStatistics } from './load-entities.js';
import type { PortStatisticScope, PortStatisticsQuery } from './model.js';
import { encodePortStatisticKey, type PortStatisticKey } from './node-id.js';

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

/**
 * An operation asked for more pages than MAX_OPERATION_COST: the estimate before it ran fell short
 * of what the data needed (entities spread over large scopes). It stops there.
 */
export class CostLimitError extends Error {
  override readonly name = 'CostLimitError';
  constructor(readonly maxCost: number) {
    super(
      `This operation needed more than the ${maxCost} upstream calls the gateway allows per operation (MAX_OPERATION_COST); ask for fewer entities at once.`,
    );
  }
}

export interface PageKey {
  scope: PortStatisticScope;
  query: PortStatisticsQuery;
}

export interface PageLoaderOptions {
  pages: UpstreamPages;
  /** An error instead: every load fails with it, and nothing is sent upstream. */
  credentials: Credentials | HssError;
  /** The request's logger and deadline; the operation's name is read at call time. */
  call: Omit<CallContext, 'operationName' | 'traceContext'> & { operation: GatewayOperation };
  /** The most distinct pages one operation may ask for (MAX_OPERATION_COST). */
  maxPages: number;
}

export function createPageLoader(options: PageLoaderOptions): DataLoader<PageKey, FetchedPage, string> {
  const { pages, credentials, call, maxPages } = options;
  const identity = credentials instanceof HssError ? 'none' : credentialIdentity(credentials);
  return new DataLoader<PageKey, FetchedPage, string>(
    // HSS has no batch call: each distinct key is one concurrent load.
    async (keys) => {
      if (credentials instanceof HssError) return keys.map(() => credentials);
      const { operation } = call;
      const { name, traceContext } = operation;
      const context: CallContext = { logger: call.logger, operationName: name };
      if (traceContext) context.traceContext = traceContext;
      if (call.cancellation) context.cancellation = call.cancellation;
      if (call.deadlineAt !== undefined) context.deadlineAt = call.deadlineAt;
      const loadOne = async (key: PageKey): Promise<FetchedPage> => {
        if (++operation.pagesAsked > maxPages) throw new CostLimitError(maxPages);
        const page = await pages.load(
          { credentials, identity, projectId: key.scope.projectId, query: key.query },
          context,
        );
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
    { cacheKeyFn: (key) => canonicalPageKey(identity, key.scope.projectId, key.query) },
  );
}

/** The loader as the connection and node resolvers use it. */
export function pageLoaderFunction(loader: DataLoader<PageKey, FetchedPage, string>): LoadPage {
  return (scope, query) => loader.load({ scope, query });
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
