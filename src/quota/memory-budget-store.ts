/** One gateway's budget logs, in memory (see budget-store.ts); a fleet's replicas each keep one as their mirror. */
import { LRUCache } from 'lru-cache';
import type { Asker, BudgetView } from './budget-rule.js';
import { type BudgetStore, DEBT_WINDOWS, type Grant, type LoggedCall, MAX_CALLERS } from './budget-store.js';

interface ApiWindow {
  address: LoggedCall[];
  /** When each principal last asked. */
  seen: LRUCache<string, number>;
  /** What each principal's waiting requests were last refused, and when. */
  debts: LRUCache<string, { calls: number; at: number }>;
}

/** One gateway's budgets. */
export class MemoryBudgetStore implements BudgetStore {
  private readonly apis = new Map<string, ApiWindow>();

  private windowOf(api: string, now: number, windowMs: number): ApiWindow {
    let window = this.apis.get(api);
    if (!window) {
      window = {
        address: [],
        seen: new LRUCache({ max: MAX_CALLERS }),
        debts: new LRUCache({ max: MAX_CALLERS }),
      };
      this.apis.set(api, window);
    }
    window.address = window.address.filter((entry) => entry.at > now - windowMs).sort((a, b) => a.at - b.at);
    return window;
  }

  async view(api: string, asker: Asker, now: number, windowMs: number, asking: boolean) {
    return this.viewNow(api, asker, now, windowMs, asking);
  }

  private viewNow(api: string, asker: Asker, now: number, windowMs: number, asking: boolean): BudgetView {
    const window = this.windowOf(api, now, windowMs);
    if (asking) window.seen.set(asker.principal, now);
    let othersSeen = 0;
    for (const [who, at] of window.seen.entries()) {
      if (who !== asker.principal && at > now - 2 * windowMs) othersSeen++;
    }
    let owed = 0;
    for (const debt of window.debts.values()) if (debt.at > now - DEBT_WINDOWS * windowMs) owed += debt.calls;
    return {
      caller: window.address.filter((entry) => entry.identity === asker.identity).map((entry) => entry.at),
      address: window.address.map(({ at, identity, principal }) => ({ at, identity, principal })),
      othersSeen,
      owed,
    };
  }

  async record({ api, asker, ids, now, windowMs, read, counted }: Grant) {
    // Single-threaded: nothing ran between the decision and this, unless an await did.
    const current = this.viewNow(api, asker, now, windowMs, false);
    const moved =
      (counted.caller && current.caller.length !== read.caller.length) ||
      (counted.address && current.address.length !== read.address.length);
    if (moved) return false;
    const { identity, principal } = asker;
    this.windowOf(api, now, windowMs).address.push(
      ...ids.map((id) => ({ id, at: now, identity, principal })),
    );
    return true;
  }

  async settle(api: string, _asker: Asker, id: string, at: number) {
    const entry = this.apis.get(api)?.address.find((call) => call.id === id);
    if (entry) entry.at = Math.max(entry.at, at);
  }

  /** Enters a call made elsewhere (another replica's, heard of), once: a mirror of the fleet's log. */
  enter(api: string, call: LoggedCall, windowMs: number): void {
    const window = this.windowOf(api, call.at, windowMs);
    const known = window.address.find((logged) => logged.id === call.id);
    if (known) known.at = Math.max(known.at, call.at);
    else window.address.push({ ...call });
  }

  /** Every call still in the window at `now`, per API: what a Redis that lost them is told again. */
  calls(now: number, windowMs: number): (LoggedCall & { api: string })[] {
    return [...this.apis.keys()].flatMap((api) =>
      this.windowOf(api, now, windowMs).address.map((call) => ({ api, ...call })),
    );
  }

  async owe(api: string, asker: Asker, calls: number, now: number, windowMs: number) {
    const { debts } = this.windowOf(api, now, windowMs);
    if (calls > 0) debts.set(asker.principal, { calls, at: now });
    else debts.delete(asker.principal);
  }
}
