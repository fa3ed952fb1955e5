/**
 * One flight per key across the fleet (a block, a table's first blocks, a proof): a replica about to
 * call HSS for a key takes a lease on it in
 * Redis (`SET NX PX`); the others wait for the news that it landed (the fleet channel) and read what
 * it stored, or share HSS's failure. A lease lasts as long as one call may take and is renewed
 * while the call runs, so a lease whose owner died soon expires and the next replica flies; nobody
 * waits longer than a request may (then it calls itself). With
 * Redis unreachable, every replica flies for itself (its replica share of the budgets keeps the fleet
 * within HSS's quota: quota/fleet-budget.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { HssError, type HssErrorCode } from '../errors/hss-error.js';
import { HSS_API_NAMES } from '../upstream/hss-apis.js';
import type { FleetChannel, SharedFailure } from './fleet-channel.js';

const PREFIX = 'hss-gateway:v1:flight:';

// Takes the lease (answers -1) or answers how many ms the current one has left.
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return -1 end
return redis.call('PTTL', KEYS[1])
`;
// Extends the lease, if it is still ours: the call is still running.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
// Gives the lease back, if it is still ours: at once after a failure (the next replica flies);
// after a landing, held a moment more as `landed` (ARGV[2] ms), so that a replica that looked
// before the value was stored finds the lease taken and reads the value instead of calling again.
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if tonumber(ARGV[2]) > 0 then return redis.call('SET', KEYS[1], 'landed', 'PX', ARGV[2]) end
return redis.call('DEL', KEYS[1])
`;

// Long enough for a replica's look and lease request, and no longer: a waiter finding nothing
// stored under a landed lease (the store failed) waits at most this, then flies.
const LANDED_HOLD_MS = 1000;

/** Who brought the value: this replica's own call, or another replica's. */
export interface Flight<T> {
  value: T;
  via: 'own' | 'fleet';
}

/** Failures that say HSS itself failed these credentials or this query: waiting replicas share them. */
const SHARED_FAILURES = new Set(['timeout', 'reset', 'refused']);

/**
 * A failure as it travels between replicas: only what HSS answered or failed to answer. A refusal
 * of this replica's own (its budget's reserve for a refresh, its shutdown, its open circuit) is not
 * the waiters' business: they take the lease and decide for themselves.
 */
function shareable(error: unknown): SharedFailure | undefined {
  if (!(error instanceof HssError)) return undefined;
  if (error.upstream === undefined && !SHARED_FAILURES.has(error.failure ?? '')) return undefined;
  return {
    code: error.code,
    message: error.message,
    retryAfter: error.retryAfter,
    upstream: error.upstream,
    failure: error.failure,
    api: error.api,
  };
}

const UPSTREAM_CODES: ReadonlySet<string> = new Set<HssErrorCode>([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'UPSTREAM_ERROR',
  'UPSTREAM_UNAVAILABLE',
]);
const text = (value: unknown, max: number): string | null =>
  typeof value === 'string' ? value.slice(0, max) : null;

/** The failure news told, checked field by field (anyone with access to Redis may publish). */
function rebuilt(failure: SharedFailure): HssError | undefined {
  if (!UPSTREAM_CODES.has(failure.code) || typeof failure.message !== 'string') return undefined;
  const retryAfter =
    typeof failure.retryAfter === 'number' && failure.retryAfter >= 0
      ? Math.min(3600, Math.ceil(failure.retryAfter))
      : undefined;
  const told = failure.upstream;
  const upstream =
    told && Number.isInteger(told.status) && told.status >= 100 && told.status <= 599
      ? { status: told.status, errorCode: text(told.errorCode, 64), requestId: text(told.requestId, 128) }
      : undefined;
  const kind = SHARED_FAILURES.has(String(failure.failure))
    ? (failure.failure as HssError['failure'])
    : undefined;
  if (upstream === undefined && kind === undefined) return undefined;
  const api = HSS_API_NAMES.find((name) => name === failure.api);
  const refusedByHss = failure.code === 'RATE_LIMITED' && upstream !== undefined;
  return new HssError(failure.code as HssErrorCode, failure.message.slice(0, 500), {
    retryAfter,
    upstream,
    failure: kind,
    ...(refusedByHss && { api, budget: 'hss' as const }),
  });
}

type News = { failure?: SharedFailure } | 'timeout';

export class FleetFlights {
  private readonly waiting = new Map<string, Set<(news: News) => void>>();

  constructor(
    private readonly redis: Redis,
    private readonly channel: FleetChannel,
    private readonly options: {
      /** How long a lease holds without renewal: as long as one HSS call may take. */
      leaseMs: number;
      /** How long a replica waits for another's flight before it calls itself. */
      waitMs: number;
      logger: Logger;
    },
  ) {
    channel.on('landed', (event) => {
      if (typeof event.key !== 'string') return;
      const failure = typeof event.failure?.code === 'string' ? event.failure : undefined;
      for (const wake of this.waiting.get(event.key) ?? []) wake({ failure });
    });
  }

  /**
   * `own()` makes the call (and stores what it brings where `landed()` reads it); `landed()` reads
   * what another replica's flight stored, or undefined. Another replica's failure is thrown here as
   * it was there. A waiter gives up after `waitMs` (a request's deadline) and calls itself.
   */
  async fly<T>(key: string, own: () => Promise<T>, landed: () => Promise<T | undefined>): Promise<Flight<T>> {
    const giveUpAt = Date.now() + this.options.waitMs;
    for (;;) {
      // Listening before asking for the lease: news that comes in between is not missed.
      const news = this.listen(key);
      const lease = await this.acquire(key);
      if (lease.ours || lease.unavailable) {
        news.cancel();
        return { value: await this.flyOwn(key, lease.token, own), via: 'own' };
      }
      const stored = await landed();
      if (stored !== undefined) {
        news.cancel();
        return { value: stored, via: 'fleet' };
      }
      const left = giveUpAt - Date.now();
      if (left <= 0) {
        // Waited as long as the call itself may take: fly, rather than wait for a flight that may
        // never land.
        news.cancel();
        return { value: await own(), via: 'own' };
      }
      const heard = await news.within(Math.min(left, Math.max(lease.remainingMs, 10)));
      const failure = heard !== 'timeout' && heard.failure ? rebuilt(heard.failure) : undefined;
      if (failure) throw failure;
      const value = await landed();
      if (value !== undefined) return { value, via: 'fleet' };
      // Landed with nothing to read (its store failed), or the lease ran out: ask again.
    }
  }

  private async flyOwn<T>(key: string, token: string | undefined, own: () => Promise<T>): Promise<T> {
    // A lease as long as one call may take, renewed while this one runs: a replica that dies
    // (killed, out of memory) holds the key no longer than that.
    const renewal = token
      ? setInterval(() => {
          this.redis.eval(RENEW, 1, PREFIX + key, token, this.options.leaseMs).catch(() => undefined);
        }, this.options.leaseMs / 3)
      : undefined;
    renewal?.unref();
    try {
      const value = await own();
      if (token) this.land(key, token, undefined);
      return value;
    } catch (error) {
      if (token) this.land(key, token, shareable(error));
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }

  /** The lease given back and the news told, in that order (a waiter woken early finds it free). */
  private land(key: string, token: string, failure: SharedFailure | undefined): void {
    this.redis
      .eval(RELEASE, 1, PREFIX + key, token, failure ? 0 : LANDED_HOLD_MS)
      .catch(() => undefined) // it expires on its own
      .finally(() => this.channel.tell(failure ? { type: 'landed', key, failure } : { type: 'landed', key }));
  }

  private async acquire(
    key: string,
  ): Promise<{ ours: boolean; unavailable: boolean; token?: string; remainingMs: number }> {
    if (this.redis.status !== 'ready') return { ours: false, unavailable: true, remainingMs: 0 };
    const token = randomUUID();
    try {
      const answer = Number(await this.redis.eval(ACQUIRE, 1, PREFIX + key, token, this.options.leaseMs));
      if (answer === -1) return { ours: true, unavailable: false, token, remainingMs: 0 };
      // -2: the lease ended between SET and PTTL; ask again at once.
      return { ours: false, unavailable: false, remainingMs: Math.max(0, answer) };
    } catch (error) {
      this.options.logger.debug({ err: error }, 'flight lease unavailable; calling without one');
      return { ours: false, unavailable: true, remainingMs: 0 };
    }
  }

  private listen(key: string): { within(ms: number): Promise<News>; cancel(): void } {
    let heard: News | undefined;
    let wake: ((news: News) => void) | undefined;
    const listener = (news: News) => {
      heard ??= news;
      wake?.(news);
    };
    let set = this.waiting.get(key);
    if (!set) {
      set = new Set();
      this.waiting.set(key, set);
    }
    set.add(listener);
    const cancel = () => {
      set.delete(listener);
      if (set.size === 0 && this.waiting.get(key) === set) this.waiting.delete(key);
    };
    return {
      cancel,
      within: (ms) =>
        new Promise<News>((resolve) => {
          if (heard !== undefined) {
            cancel();
            resolve(heard);
            return;
          }
          const timer = setTimeout(() => listener('timeout'), ms);
          timer.unref(); // a wait never keeps a stopping process alive
          wake = (news) => {
            clearTimeout(timer);
            cancel();
            resolve(news);
          };
        }),
    };
  }
}
