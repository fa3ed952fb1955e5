/** What the quota economy tells of its decisions: the metrics hear it. */

export interface QuotaObserver {
  onCacheLookup(result: 'hit' | 'stale' | 'miss'): void;
  /** A request joined an upstream call already in flight instead of making its own. */
  onCoalesced(): void;
  /** A call was not made: a budget is spent. */
  onBudgetRefused(): void;
  /** A stale block was served: while renewing, instead of an error, or instead of a spent budget. */
  onStaleServed(reason: 'revalidate' | 'error' | 'budget'): void;
}
