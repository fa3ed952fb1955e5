/** What the quota economy tells of its decisions: the metrics hear it. */
import type { BudgetRefusal } from './budget-rule.js';

export interface QuotaObserver {
  onCacheLookup(result: 'hit' | 'stale' | 'miss'): void;
  /** A request joined an upstream call already in flight instead of making its own. */
  onCoalesced(): void;
  /**
   * A call was not made: a budget refused it (which one: budget-rule.ts), or calls are paused since
   * HSS answered 429 (`paused`).
   */
  onBudgetRefused(api: string, budget: BudgetRefusal | 'paused'): void;
  /** A stale block was served: while renewing, instead of an error, or instead of a spent budget. */
  /** HSS answered 429: calls of the API pause (upstream-pause.ts). */
  onPaused(api: string): void;
  onStaleServed(reason: 'revalidate' | 'error' | 'budget'): void;
}
