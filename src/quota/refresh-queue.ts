/**
 * Background refreshes (stale-while-revalidate), spent from what the budget has spare: one at a
 * time, the oldest data first, each asking the budget as a refresh (which leaves a reserve to
 * requests that have nothing to show). A refresh the budget refuses waits for the next request that
 * serves stale data; a request is never made to wait for one.
 */
import { LRUCache } from 'lru-cache';
import { HssError } from '../errors/hss-error.js';

interface Refresh {
  /** When the data being renewed was fetched: the oldest goes first. */
  fetchedAt: number;
  run(): Promise<unknown>;
}

// Keys waiting for a refresh; beyond this the least recently served wait for their next request.
const MAX_WAITING = 1000;

/** Whether a refresh failed only because the budget had nothing spare: it is tried again later. */
const refusedByBudget = (error: unknown) =>
  error instanceof HssError && error.code === 'RATE_LIMITED' && error.upstream === undefined;

export class RefreshQueue {
  private readonly waiting = new LRUCache<string, Refresh>({ max: MAX_WAITING });
  private running: Promise<void> | undefined;

  /** Asks for `key` to be renewed; `run` fetches it (and does nothing if it is no longer stale). */
  enqueue(key: string, fetchedAt: number, run: () => Promise<unknown>): void {
    if (!this.waiting.has(key)) this.waiting.set(key, { fetchedAt, run });
    this.pump();
  }

  /** Resolves once no refresh is running: for shutdown, and for tests that move a clock. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private pump(): void {
    if (this.running) return;
    let oldest: [string, Refresh] | undefined;
    for (const entry of this.waiting.entries()) {
      if (!oldest || entry[1].fetchedAt < oldest[1].fetchedAt) oldest = entry;
    }
    if (!oldest) return;
    const [key, refresh] = oldest;
    this.waiting.delete(key);
    this.running = refresh
      .run()
      .then(
        () => true,
        (error: unknown) => {
          if (!refusedByBudget(error)) return true;
          // Nothing spare now: it waits, and so does everything younger.
          if (!this.waiting.has(key)) this.waiting.set(key, refresh);
          return false;
        },
      )
      .then((goOn) => {
        this.running = undefined;
        if (goOn) this.pump();
      });
  }
}
