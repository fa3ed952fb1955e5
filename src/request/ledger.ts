/**
 * The request's ledger: what one GraphQL operation spent of HSS's quota and how fresh its data is,
 * filled in as its pages load (src/loaders/page-loader.ts), and what every answer says of it in
 * `extensions` (`cost`, `freshness`), and whether it may be served again from the response cache.
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import type { FetchedBlock } from '../quota/block-request.js';
import type { BudgetState } from '../quota/call-budget.js';

/** What the loader reads of the running operation, at call time, and records of it. */
export interface OperationLedger {
  readonly name: string | null;
  readonly traceContext?: OtelContext;
  /** Filled in as pages load: when the oldest was fetched, and whether any was stale. */
  freshness?: { oldestFetchedAt: number; stale: boolean };
  /** What the operation was priced at before it ran, in upstream calls (MAX_OPERATION_COST). */
  price?: number;
  /** Distinct pages the operation has asked for so far: each could be an upstream call. */
  pagesAsked: number;
  /** Upstream calls it made, calls of other requests it joined, pages from the cache. */
  upstreamCalls: number;
  sharedCalls: number;
  cachedPages: number;
}

export /** Records how a page reached the operation: its freshness, and whether a call was saved. */
function recordServed(operation: OperationLedger, page: FetchedBlock<unknown>, pagesServed: number): void {
  if (page.source === 'shared') operation.sharedCalls += pagesServed;
  else if (page.source === 'cache') operation.cachedPages += pagesServed;
  const seen = operation.freshness;
  operation.freshness = {
    oldestFetchedAt: Math.min(seen?.oldestFetchedAt ?? page.fetchedAt, page.fetchedAt),
    stale: (seen?.stale ?? false) || page.stale,
  };
}

/** `extensions.cost`: what the operation spent of HSS's quota, and what the caller has left. */
export interface CostExtension {
  /** Upstream calls the operation made. */
  upstreamCalls: number;
  /** Calls other requests had made that it waited for instead (coalescing): free to it. */
  sharedCalls: number;
  /** Pages served from the cache. */
  cachedPages: number;
  /** The caller's budget of upstream calls; null where none applies. */
  budget: { limit: number; remaining: number; resetAt: string | null } | null;
}

/** The cost of an operation, or of a request that never ran (all zeros). */
export function costExtension(
  operation: OperationLedger | undefined,
  budget: BudgetState | null,
): CostExtension {
  return {
    upstreamCalls: operation?.upstreamCalls ?? 0,
    sharedCalls: operation?.sharedCalls ?? 0,
    cachedPages: operation?.cachedPages ?? 0,
    budget: budget && {
      limit: budget.limit,
      remaining: budget.remaining,
      resetAt: budget.resetAt === null ? null : new Date(budget.resetAt).toISOString(),
    },
  };
}

/** `extensions.freshness`: when the oldest page was fetched, and whether any was stale. */
export function freshnessExtension(
  operation: OperationLedger,
): { fetchedAt: string; stale: boolean } | undefined {
  const { freshness } = operation;
  if (!freshness) return undefined;
  return { fetchedAt: new Date(freshness.oldestFetchedAt).toISOString(), stale: freshness.stale };
}

/**
 * How long an answer may be served from the response cache: only one without errors, built from
 * fresh pages, and no longer than the oldest of them stays fresh; 0 otherwise.
 */
export function cacheableForMs(
  hasErrors: boolean,
  operation: OperationLedger,
  ttlMs: number,
  now: number,
): number {
  const { freshness } = operation;
  if (hasErrors || !freshness || freshness.stale) return 0;
  return Math.max(0, Math.min(ttlMs, freshness.oldestFetchedAt + ttlMs - now));
}
