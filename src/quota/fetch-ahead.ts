/**
 * Lists fetched before anyone asks: the host lists of the rows dashboards show, so that a drill-down
 * click finds its servers stored. HSS allows 5 ListPortHost calls a minute, one port each, so
 * waiting for the click spends a call where the user waits, and refuses the sixth click; calls the
 * budget leaves unspent in a quiet minute are lost. Each answer that shows a row counts a view of
 * its host list, and the most viewed list that is not fresh is fetched next, one at a time, each
 * asked of the budget as a refresh (which leaves its reserve, and what refused requests are owed, to
 * requests that wait), on the gateway's own account (no viewer's fair share pays for it). A list
 * going stale is renewed the same way, most viewed first, while answers keep showing it; one not
 * shown for `forgetMs` is left to its next click. When the budget (or HSS) refuses, nothing is
 * fetched ahead until the refusal's retry time.
 */
import { LRUCache } from 'lru-cache';
import { HssError } from '../errors/hss-error.js';

interface Candidate<Request> {
  request: Request;
  /** Answers that showed the row. */
  views: number;
  /** Its best rank in an answer (lower first): among lists viewed as often, the lower rank goes first. */
  rank: number;
  /** Not tried before this time: fresh until then, or it failed lately. */
  notBefore: number;
  /** When an answer last showed it. */
  viewedAt: number;
}

export interface FetchAheadOptions<Request> {
  keyOf(request: Request): string;
  apiOf(request: Request): string;
  /** The budget's window: after one without a request's call of an API, its calls are spare. */
  windowMs: number;
  /** A list no answer showed for this long is no longer fetched ahead. */
  forgetMs: number;
  /** Fetches a list unless it is fresh; answers until when it is fresh. */
  fetch(request: Request): Promise<number>;
  now(): number;
}

/** Whom fetching ahead calls for, in the budgets' fair shares: the gateway itself. */
export const FETCH_AHEAD_PRINCIPAL = 'gateway:fetch-ahead';

// Lists remembered; beyond this the least recently shown are forgotten.
const MAX_CANDIDATES = 500;
// A list HSS failed (not a refusal) is not tried again for this long; nor is anything after a
// refusal that says no retry time.
const FAILED_WAIT_MS = 60_000;
const REFUSED_WAIT_MS = 10_000;

/** Whether nothing more should be tried now: the budget, HSS's quota or HSS itself said no. */
const roundOver = (error: unknown) =>
  error instanceof HssError && (error.code === 'RATE_LIMITED' || error.code === 'UPSTREAM_UNAVAILABLE');

export class FetchAhead<Request> {
  private readonly candidates = new LRUCache<string, Candidate<Request>>({ max: MAX_CANDIDATES });
  private running: Promise<void> | undefined;
  /** When a request last waited for a call of each API. */
  private readonly lastAsked = new Map<string, number>();
  /** Nothing is fetched ahead before this time (a refusal's retry time). */
  private pausedUntil = 0;
  /** No list is due before this time (the earliest the last look found), unless a view makes one due. */
  private quietUntil = 0;
  private closed = false;

  constructor(private readonly options: FetchAheadOptions<Request>) {}

  /** An answer showed rows: their lists, each ranked by the answer (lower: sooner). */
  viewed(shown: readonly { request: Request; rank: number }[]): void {
    if (this.closed) return;
    const now = this.options.now();
    // One view per answer: a TCP and a TCP6 row show one host list (ListPortHost has no TCP6).
    const counted = new Set<string>();
    for (const { request, rank } of shown) {
      const key = this.options.keyOf(request);
      const known = this.candidates.get(key);
      if (known) {
        if (!counted.has(key)) known.views++;
        known.rank = Math.min(known.rank, rank);
        known.viewedAt = now;
        if (known.notBefore <= now) this.quietUntil = 0;
      } else {
        this.candidates.set(key, { request, views: 1, rank, notBefore: 0, viewedAt: now });
        this.quietUntil = 0;
      }
      counted.add(key);
    }
    this.pump();
  }

  /**
   * A request waits for a call of `api`: users are clicking, and their clicks need the budget's
   * calls more than guesses do; nothing of that API is fetched ahead for a window.
   */
  askedFor(api: string): void {
    this.lastAsked.set(api, this.options.now());
  }

  /** Resolves once nothing is being fetched: for tests that move a clock. */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Shutdown: nothing more is fetched ahead; resolves once the fetch under way has ended. */
  async close(): Promise<void> {
    this.closed = true;
    await this.settled();
  }

  /** The most viewed list due (then the highest shown). */
  private next(): Candidate<Request> | undefined {
    const now = this.options.now();
    let best: Candidate<Request> | undefined;
    let earliest = Number.POSITIVE_INFINITY;
    for (const candidate of this.candidates.values()) {
      if (candidate.notBefore > now) earliest = Math.min(earliest, candidate.notBefore);
      if (candidate.notBefore > now || now - candidate.viewedAt > this.options.forgetMs) continue;
      if (
        !best ||
        candidate.views > best.views ||
        (candidate.views === best.views && candidate.rank < best.rank)
      ) {
        best = candidate;
      }
    }
    // Nothing due: answers that show only fresh lists need not look through them all again.
    if (!best) this.quietUntil = earliest;
    return best;
  }

  private pump(): void {
    const now = this.options.now();
    if (this.running || this.closed || now < this.pausedUntil || now < this.quietUntil) return;
    const candidate = this.next();
    if (!candidate) return;
    const asked = this.lastAsked.get(this.options.apiOf(candidate.request));
    if (asked !== undefined && now - asked < this.options.windowMs) return;
    this.running = this.options
      .fetch(candidate.request)
      .then(
        (freshUntil) => {
          // Never now: a list at the very end of its freshness would be picked again at once.
          candidate.notBefore = Math.max(freshUntil, this.options.now() + 1);
          return true;
        },
        (error: unknown) => {
          const now = this.options.now();
          if (roundOver(error)) {
            const retryAfter = (error as HssError).retryAfter;
            this.pausedUntil = now + (retryAfter !== undefined ? retryAfter * 1000 : REFUSED_WAIT_MS);
            return false;
          }
          candidate.notBefore = now + FAILED_WAIT_MS;
          return true;
        },
      )
      .then((goOn) => {
        this.running = undefined;
        if (goOn) this.pump();
      });
  }
}
