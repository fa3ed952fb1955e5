/**
 * What every answer says besides its data, in `extensions`, and whether it may be served again from
 * the response cache: computed from the operation's record (src/loaders/page-loader.ts) by the
 * yoga plugins and by the HTTP handler's fast lane alike.
 */
import type { GatewayOperation } from '../loaders/page-loader.js';
import type { BudgetState } from '../quota/call-budget.js';

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
  operation: GatewayOperation | undefined,
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
  operation: GatewayOperation,
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
  operation: GatewayOperation,
  ttlMs: number,
  now: number,
): number {
  const { freshness } = operation;
  if (hasErrors || !freshness || freshness.stale) return 0;
  return Math.max(0, Math.min(ttlMs, freshness.oldestFetchedAt + ttlMs - now));
}
