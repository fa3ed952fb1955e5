/**
 * What every answer says of its operation's ledger (src/model/rows.ts: what it spent of HSS's quota
 * and how fresh its data is, filled in as its blocks are served): `extensions.cost` and
 * `extensions.freshness`, and whether it may be served again from the response cache.
 */
import type { OperationLedger } from '../model/rows.js';
import type { BudgetState } from '../quota/call-budget.js';
import type { HssApiName } from '../upstream/hss-apis.js';

export type { OperationLedger };

/** `extensions.cost`: what the operation spent of HSS's quota, and what the caller has left. */
export interface CostExtension {
  /** Upstream calls the operation made. */
  upstreamCalls: number;
  /** Calls other requests had made that it waited for instead (coalescing): free to it. */
  sharedCalls: number;
  /** Blocks (of 200 rows) served from the cache: the contract's name is older than the word. */
  cachedPages: number;
  /** The caller's budget of ListPortStatistics calls (the lists'); null where none applies. */
  budget: BudgetExtension | null;
  /** The caller's budget of each HSS API (a drill-down spends ListPortHost's); null where none applies. */
  budgets: Record<HssApiName, BudgetExtension | null>;
}

interface BudgetExtension {
  limit: number;
  remaining: number;
  resetAt: string | null;
}

/** Where a caller's budget of each HSS API stands; null for an API no budget applies to. */
export type ApiBudgets = Record<HssApiName, BudgetState | null>;

const NO_BUDGETS: ApiBudgets = { ListPortStatistics: null, ListPortHost: null };

/** Each API's budget, read at once. */
export async function budgetsOf(
  budgetOf: (api: HssApiName) => Promise<BudgetState | null>,
): Promise<ApiBudgets> {
  const [ListPortStatistics, ListPortHost] = await Promise.all([
    budgetOf('ListPortStatistics'),
    budgetOf('ListPortHost'),
  ]);
  return { ListPortStatistics, ListPortHost };
}

function budgetExtension(budget: BudgetState | null): BudgetExtension | null {
  return (
    budget && {
      limit: budget.limit,
      remaining: budget.remaining,
      resetAt: budget.resetAt === null ? null : new Date(budget.resetAt).toISOString(),
    }
  );
}

/** The cost of an operation, or of a request that never ran (all zeros). */
export function costExtension(
  operation: OperationLedger | undefined,
  budgets: ApiBudgets | null,
): CostExtension {
  const { ListPortStatistics, ListPortHost } = budgets ?? NO_BUDGETS;
  const statistics = budgetExtension(ListPortStatistics);
  return {
    upstreamCalls: operation?.upstreamCalls ?? 0,
    sharedCalls: operation?.sharedCalls ?? 0,
    cachedPages: operation?.cachedBlocks ?? 0,
    budget: statistics,
    budgets: { ListPortStatistics: statistics, ListPortHost: budgetExtension(ListPortHost) },
  };
}

/** `extensions.freshness`: when the oldest block was fetched, and whether any was stale. */
export function freshnessExtension(
  operation: OperationLedger,
): { fetchedAt: string; stale: boolean } | undefined {
  const { freshness } = operation;
  if (!freshness) return undefined;
  return { fetchedAt: new Date(freshness.oldestFetchedAt).toISOString(), stale: freshness.stale };
}

/**
 * How long an answer may be served from the response cache: only one without errors, built from
 * fresh blocks, and no longer than the oldest of them stays fresh; 0 otherwise.
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
