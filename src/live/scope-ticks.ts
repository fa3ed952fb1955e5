/**
 * One clock per scope of live answers (a project's table, say), however many subscriptions watch
 * it: each tick tells every subscriber of the scope to read its answer again. Reads go through the
 * row sources and the quota economy like any other, so the first read after the scope's data went
 * stale renews it (one upstream call, inside the budgets, shared by the fleet's cache and flights)
 * and every other subscriber is answered from what it brought. No subscriber, no clock.
 */
export class ScopeTicks {
  private readonly scopes = new Map<string, { listeners: Set<() => void>; timer: NodeJS.Timeout }>();
  /** What each subscriber does when the gateway shuts down (its stream ends). */
  private readonly enders = new Set<() => void>();
  /** Live answers open per holder (a verified principal). */
  private readonly held = new Map<string, number>();
  private closed = false;

  constructor(
    /** How often a scope's subscribers read again, ms. */
    private readonly intervalMs: number,
    /** The most live answers one holder may have open at once (LIVE_MAX_PER_CALLER). */
    readonly maxPerHolder = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * Calls `listener` on each tick of the scope until the function returned is called; `end` when
   * the gateway shuts down. Undefined: `holder` has as many open as it may.
   */
  join(scope: string, listener: () => void, end: () => void, holder?: string): (() => void) | undefined {
    if (this.closed) {
      end();
      return () => undefined;
    }
    if (holder !== undefined) {
      const open = this.held.get(holder) ?? 0;
      if (open >= this.maxPerHolder) return undefined;
      this.held.set(holder, open + 1);
    }
    this.enders.add(end);
    let entry = this.scopes.get(scope);
    if (!entry) {
      const listeners = new Set<() => void>();
      const timer = setInterval(() => {
        for (const told of listeners) told();
      }, this.intervalMs);
      // A subscription keeps its connection open, not the process.
      timer.unref();
      entry = { listeners, timer };
      this.scopes.set(scope, entry);
    }
    entry.listeners.add(listener);
    const joined = entry;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      if (holder !== undefined) {
        const open = (this.held.get(holder) ?? 1) - 1;
        if (open > 0) this.held.set(holder, open);
        else this.held.delete(holder);
      }
      this.enders.delete(end);
      joined.listeners.delete(listener);
      if (joined.listeners.size === 0 && this.scopes.get(scope) === joined) {
        clearInterval(joined.timer);
        this.scopes.delete(scope);
      }
    };
  }

  /** Shutdown: no more ticks, and every live answer ends (its stream completes). */
  close(): void {
    this.closed = true;
    for (const { timer } of this.scopes.values()) clearInterval(timer);
    this.scopes.clear();
    const enders = [...this.enders];
    this.enders.clear();
    for (const end of enders) end();
  }
}
