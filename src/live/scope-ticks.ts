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
  private closed = false;

  constructor(
    /** How often a scope's subscribers read again, ms. */
    private readonly intervalMs: number,
  ) {}

  /**
   * Calls `listener` on each tick of the scope until the function returned is called; `end` when
   * the gateway shuts down.
   */
  join(scope: string, listener: () => void, end: () => void): () => void {
    if (this.closed) {
      end();
      return () => undefined;
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
    return () => {
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
