/**
 * Where upstream pages come from, spending HSS's quota as if it were money: a fresh cached page
 * costs nothing; a stale one is served at once and renewed in the background
 * (stale-while-revalidate); identical calls in flight are shared across requests; each real call
 * takes one unit of the credential's budget and goes through retries and the circuit breaker; and
 * when the budget is spent or HSS fails, a stale page (marked as such) beats an error.
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Credentials } from '../credentials/credentials.js';
import { HssError } from '../errors/hss-error.js';
import type { PortStatisticData, UpstreamPage } from '../port-statistics/model.js';
import type { HssApiName, HssListApi } from '../upstream/hss-apis.js';
import type { HssClient } from '../upstream/hss-client.js';
import type { UpstreamResilience } from '../upstream/resilience.js';
import type { CallBudget } from './call-budget.js';
import type { Cancellation } from './cancellation.js';
import type { CredentialScreen } from './credential-screen.js';
import type { CachedPage, PageCache } from './page-cache.js';
import { canonicalPageKey } from './page-key.js';

/** A credential's budget is per API, as HSS's quota is. */
const budgetKey = (api: HssApiName, identity: string) => `${api} ${identity}`;

/** A page and how fresh it is. */
export interface FetchedPage<Row = PortStatisticData> extends UpstreamPage<Row> {
  /** When HSS answered it, epoch milliseconds. */
  fetchedAt: number;
  /** True when it is older than the cache's time-to-live. */
  stale: boolean;
  /**
   * Where it came from: the cache, a call this load made, or a call another request had already
   * made and this one joined (coalescing).
   */
  source: 'cache' | 'call' | 'shared';
}

interface Freshness {
  /** A cached page is fresh this long; 0 turns the cache off. */
  ttlMs: number;
  /** After that, it is served stale while a background call renews it, for this long. */
  staleWhileRevalidateMs: number;
  /** After the TTL, it still stands in for an upstream failure for this long. */
  staleIfErrorMs: number;
}

/** What the page source reports, for metrics. */
export interface QuotaObserver {
  onCacheLookup(result: 'hit' | 'stale' | 'miss'): void;
  /** A request joined an upstream call already in flight instead of making its own. */
  onCoalesced(): void;
  /** A call was not made: the credential's budget is spent. */
  onBudgetRefused(): void;
  /** A stale page was served: while renewing, instead of an error, or instead of a spent budget. */
  onStaleServed(reason: 'revalidate' | 'error' | 'budget'): void;
}

export interface UpstreamPagesOptions {
  client: HssClient;
  /** Undefined: no cache (CACHE_TTL_SECONDS=0). */
  cache: PageCache | undefined;
  freshness: Freshness;
  budget: CallBudget;
  /** Which credentials may be spent on a call at all. */
  screen: CredentialScreen;
  resilience: UpstreamResilience;
  logger: Logger;
  now?: () => number;
  observer?: QuotaObserver;
}

export interface PageRequest<Row = PortStatisticData> {
  /** Which list call. */
  api: HssListApi<Row>;
  credentials: Credentials;
  /** The credentials' identity (credentialIdentity), computed once per request. */
  identity: string;
  projectId: string;
  /** Its query parameters, in canonical order. */
  parameters: [string, string][];
}

export interface CallContext {
  logger: Logger;
  operationName: string | null;
  /** The GraphQL request's cancellation (the client went away): it stops waiting, the shared call goes on. */
  cancellation?: Cancellation;
  /** The GraphQL request's deadline, epoch milliseconds: it stops waiting then. */
  deadlineAt?: number;
  /** The operation's trace context: upstream call spans become its children. */
  traceContext?: OtelContext;
}

export class UpstreamPages {
  private readonly inflight = new Map<string, Promise<CachedPage<unknown>>>();
  private readonly now: () => number;

  constructor(private readonly options: UpstreamPagesOptions) {
    this.now = options.now ?? Date.now;
  }

  async load<Row>(request: PageRequest<Row>, call: CallContext): Promise<FetchedPage<Row>> {
    const { cache, freshness } = this.options;
    // Refused credentials get nothing, not even cached pages they were once given.
    const refused = this.options.screen.recentRefusal(request.identity);
    if (refused) throw refused;
    const key = canonicalPageKey(request.identity, request.api.name, request.projectId, request.parameters);
    // The key names the API, so what is stored under it is a page of its rows.
    const cached = cache
      ? ((await cache.get(key, request.api.name)) as CachedPage<Row> | undefined)
      : undefined;
    const age = cached ? this.now() - cached.fetchedAt : Number.POSITIVE_INFINITY;
    const observer = this.options.observer;
    if (cache)
      observer?.onCacheLookup(
        !cached || age > freshness.ttlMs + freshness.staleWhileRevalidateMs
          ? 'miss'
          : age <= freshness.ttlMs
            ? 'hit'
            : 'stale',
      );
    if (cached && age <= freshness.ttlMs) {
      call.logger.debug({ cache: 'hit', key: redactKey(key) }, 'page from cache');
      return { ...cached.page, fetchedAt: cached.fetchedAt, stale: false, source: 'cache' };
    }
    if (cached && age <= freshness.ttlMs + freshness.staleWhileRevalidateMs) {
      call.logger.debug(
        { cache: 'stale', key: redactKey(key) },
        'stale page served; renewing in the background',
      );
      this.shared(key, request, call).entry.catch(() => undefined);
      observer?.onStaleServed('revalidate');
      return { ...cached.page, fetchedAt: cached.fetchedAt, stale: true, source: 'cache' };
    }
    try {
      const { entry, joined } = this.shared(key, request, call);
      const fresh = await untilDeadline(entry, call.cancellation, call.deadlineAt);
      return { ...fresh.page, fetchedAt: fresh.fetchedAt, stale: false, source: joined ? 'shared' : 'call' };
    } catch (error) {
      if (cached && this.staleMayStandIn(error, age)) {
        observer?.onStaleServed((error as HssError).code === 'RATE_LIMITED' ? 'budget' : 'error');
        call.logger.warn(
          { cache: 'stale', reason: (error as HssError).code, ageMs: age },
          'serving a stale page instead of an error',
        );
        return { ...cached.page, fetchedAt: cached.fetchedAt, stale: true, source: 'cache' };
      }
      throw error;
    }
  }

  /**
   * A spent budget (ours or HSS's) takes any stored page; HSS being down (no answer, 5xx, circuit
   * open) one within the stale-if-error window. A refusal of the request itself (400, 401, 403)
   * never does: stale data would hide a real problem.
   */
  private staleMayStandIn(error: unknown, age: number): boolean {
    if (!(error instanceof HssError)) return false;
    if (error.code === 'RATE_LIMITED') return true;
    const down =
      error.code === 'UPSTREAM_UNAVAILABLE' ||
      (error.code === 'UPSTREAM_ERROR' && (error.upstream?.status ?? 0) >= 500);
    return down && age <= this.options.freshness.ttlMs + this.options.freshness.staleIfErrorMs;
  }

  /** One upstream call per key at a time, whoever asks; `joined` when another asked first. */
  private shared<Row>(
    key: string,
    request: PageRequest<Row>,
    call: CallContext,
  ): { entry: Promise<CachedPage<Row>>; joined: boolean } {
    // Keys name the API: a call in flight under this key brings this API's rows.
    const running = this.inflight.get(key) as Promise<CachedPage<Row>> | undefined;
    if (running) {
      this.options.observer?.onCoalesced();
      call.logger.debug({ key: redactKey(key) }, 'joined an upstream call already in flight');
      return { entry: running, joined: true };
    }
    const started = this.fetch(key, request, call).finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return { entry: started, joined: false };
  }

  /** Where a credential's budget for one API stands (null: no budget applies). */
  budgetOf(identity: string, api: HssApiName = 'ListPortStatistics') {
    return this.options.budget.peek(budgetKey(api, identity));
  }

  private async fetch<Row>(
    key: string,
    request: PageRequest<Row>,
    call: CallContext,
  ): Promise<CachedPage<Row>> {
    const { client, budget, screen, resilience, cache, freshness } = this.options;
    const inadmissible = await screen.admit(request.credentials, request.identity);
    if (inadmissible) throw inadmissible;
    const page = await resilience.execute(request.projectId, async () => {
      // HSS counts its quota per user and per API: each API has its own budget.
      const grant = await budget.take(budgetKey(request.api.name, request.identity));
      if (!grant.granted) {
        this.options.observer?.onBudgetRefused();
        throw new HssError(
          'RATE_LIMITED',
          `The gateway's budget of ${budget.perMinute} ${request.api.name} calls a minute for these credentials is spent (HSS_RATE_LIMIT_PER_MINUTE); retry in ${grant.retryAfterSeconds} s.`,
          { retryAfter: grant.retryAfterSeconds },
        );
      }
      // The shared call is not tied to one caller's cancellation: others may be waiting for it.
      return client
        .list(request.api, request.projectId, request.parameters, request.credentials, {
          logger: call.logger,
          operationName: call.operationName,
          traceContext: call.traceContext,
        })
        .then(
          (answered) => {
            screen.onAnswer(request.credentials, request.identity, undefined);
            return answered;
          },
          (error: unknown) => {
            screen.onAnswer(request.credentials, request.identity, error);
            throw error;
          },
        );
    });
    const entry = { page, fetchedAt: this.now() };
    const keepMs = freshness.ttlMs + Math.max(freshness.staleWhileRevalidateMs, freshness.staleIfErrorMs);
    if (cache) await cache.set(key, entry, keepMs);
    return entry;
  }
}

/** Keys begin with the credential's identity; logs need only the request part. */
function redactKey(key: string): string {
  return key.slice(key.indexOf(' ') + 1);
}

/**
 * Waits for the promise, or until the request's deadline passes or its client goes away. The
 * deadline timer lives only while a request waits on HSS: one per request for its whole life would
 * keep thousands of timers alive under load.
 */
function untilDeadline<T>(
  promise: Promise<T>,
  cancellation: Cancellation | undefined,
  deadlineAt: number | undefined,
): Promise<T> {
  if (!cancellation && deadlineAt === undefined) return promise;
  const deadlinePassed = () =>
    new HssError('UPSTREAM_UNAVAILABLE', "HSS did not answer within the request's deadline.", {
      failure: 'timeout',
    });
  const cancelled = () =>
    new HssError('UPSTREAM_UNAVAILABLE', 'The request was cancelled before HSS answered.', {
      failure: 'aborted',
    });
  if (cancellation?.aborted) return Promise.reject(cancelled());
  const remaining = deadlineAt === undefined ? undefined : deadlineAt - Date.now();
  if (remaining !== undefined && remaining <= 0) return Promise.reject(deadlinePassed());
  return new Promise<T>((resolve, reject) => {
    const timer = remaining === undefined ? undefined : setTimeout(() => reject(deadlinePassed()), remaining);
    const stopListening = cancellation?.onAbort(() => reject(cancelled()));
    const settle = () => {
      if (timer) clearTimeout(timer);
      stopListening?.();
    };
    promise.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
