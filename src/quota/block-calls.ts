/**
 * The calls behind blocks: each one paid for by both budgets (per caller and per address; a retry
 * is a call too; the calls of blocks served together taken at once), made through retries and the
 * circuit, heard by the credential screen and the entitlements; and one call per key at a time,
 * whoever asks (coalescing in this replica, one flight per key across a fleet), what it brings
 * stored for its whole usable life.
 */
import type { Logger } from 'pino';
import { HssError } from '../errors/hss-error.js';
import type { FleetFlights } from '../fleet/flights.js';
import type { FetchedBlock } from '../model/block.js';
import type { HssApiName } from '../upstream/hss-apis.js';
import type { HssClient } from '../upstream/hss-client.js';
import type { UpstreamResilience } from '../upstream/resilience.js';
import type { BlockCache, CachedBlock } from './block-cache.js';
import { blockKeyOf } from './block-key.js';
import type { Looked } from './block-lookup.js';
import type { BlockRequest, CallContext } from './block-request.js';
import { budgetRefusal } from './budget-refusal.js';
import type { CallPriority } from './budget-rule.js';
import type { CallBudget, GrantedCall } from './call-budget.js';
import type { CredentialScreen } from './credential-screen.js';
import { type Entitlements, enterpriseProjectOf } from './entitlements.js';
import { redactKey, served } from './freshness.js';
import type { QuotaObserver } from './quota-observer.js';
import type { UpstreamPause } from './upstream-pause.js';

export interface BlockCallsOptions {
  client: HssClient;
  /** Undefined: no cache (CACHE_TTL_SECONDS=0). */
  cache: BlockCache | undefined;
  /** How long what a call brings is kept (freshness.ts: keepMsOf). */
  keepMs: number;
  /** How long it counts as fresh, for what another replica stored. */
  ttlMsOf(api: string): number;
  budget: CallBudget;
  /** Credentials HSS refused, here or on another replica. */
  screen: CredentialScreen;
  /** What HSS answered each caller's own credentials, per scope. */
  entitlements?: Entitlements;
  resilience: UpstreamResilience;
  /** A fleet's flights (REDIS_URL): one call per key across the replicas. Needs the cache. */
  flights?: FleetFlights;
  logger: Logger;
  now: () => number;
  observer?: QuotaObserver;
  /** Calls paused after HSS answered 429, across the fleet. */
  pause?: UpstreamPause;
}

/** A call not made: HSS refused one of this API for its quota moments ago (upstream-pause.ts). */
function pausedByHss(api: string, pausedMs: number): HssError {
  const seconds = Math.max(1, Math.ceil(pausedMs / 1000));
  return new HssError(
    'RATE_LIMITED',
    `HSS refused a ${api} call for its quota moments ago (429; someone behind this address or these credentials spent it): no ${api} call is made for ${seconds} s.`,
    { retryAfter: seconds, reason: 'HSS_THROTTLED', api, budget: 'hss' },
  );
}

/** What a run under a key brought, and whether another replica's run brought it. */
interface Landed<T> {
  value: T;
  fleet: boolean;
}

export class BlockCalls {
  private readonly inflight = new Map<string, Promise<Landed<unknown>>>();

  constructor(private readonly options: BlockCallsOptions) {}

  /** Takes `calls` calls of both budgets at once, or throws the refusal. */
  async take(
    request: { api: { name: HssApiName }; identity: string; principal: string },
    calls: number,
    priority: CallPriority,
  ): Promise<GrantedCall[]> {
    const { budget, observer, pause } = this.options;
    const api = request.api.name;
    const { identity, principal } = request;
    const pausedMs = pause?.remainingMs(api, identity) ?? 0;
    if (pausedMs > 0) {
      observer?.onBudgetRefused(api, 'paused');
      throw pausedByHss(api, pausedMs);
    }
    const grant = await budget.take({ api, identity, principal, calls, priority });
    if (grant.granted) return grant.calls;
    observer?.onBudgetRefused(api, grant.refusedBy);
    throw budgetRefusal(
      api,
      grant,
      budget.limits ?? { perCaller: 0, perAddress: 0, refreshReserve: 0, windowMs: 0 },
    );
  }

  /**
   * Blocks served together, progressively: those not stored fresh are fetched now (those no call is
   * bringing already), each taking its own call of the budgets in order, so a budget or a quota that
   * has room for some gets the first ones, and each is stored as it lands; a block refused fails
   * alone, and what landed answers what it can (a snapshot keeps its blocks for its next renewal).
   * Across a fleet, one replica fetches each block (`once`), so only it takes the call.
   */
  async fetchAll<Row>(
    requests: readonly BlockRequest<Row>[],
    looked: readonly Looked<Row>[],
    priority: CallPriority,
    call: CallContext,
  ): Promise<FetchedBlock<Row>[]> {
    return Promise.all(
      requests.map(async (request, i) => {
        const { entry, standing } = looked[i] as Looked<Row>;
        if (entry && standing === 'fresh') return served(entry, false, 'cache');
        const key = blockKeyOf(request);
        const { landed, joined } = this.once(
          key,
          call,
          () => this.fetch(request, priority, call),
          () => this.freshIn(key, request.api.name) as Promise<CachedBlock<Row> | undefined>,
        );
        const { value, fleet } = await landed;
        return served(value, false, joined || fleet ? 'shared' : 'call');
      }),
    );
  }

  /**
   * One block from HSS: a call of the budgets for each attempt, through retries and the circuit of
   * the request's project and credentials; stored before anyone hears that HSS answered (a replica
   * that reads a proof's verdict finds its block).
   */
  async fetch<Row>(
    request: BlockRequest<Row>,
    priority: CallPriority,
    call: CallContext,
  ): Promise<CachedBlock<Row>> {
    const { client, resilience } = this.options;
    const fetched = resilience.execute(request.projectId, request.identity, async () => {
      const [granted] = await this.take(request, 1, priority);
      call.onUpstreamCall?.();
      // The call is not tied to one caller's cancellation: others may be waiting for it.
      return client
        .list(request.api, request.projectId, request.parameters, request.credentials, {
          logger: call.logger,
          operationName: call.operationName,
          traceContext: call.traceContext,
        })
        .catch((error: unknown) => {
          this.heard(request, error);
          throw error;
        })
        .finally(() => granted?.settle());
    });
    const block = await fetched.catch((error: unknown) => this.withBudgetWait(request, error));
    const entry = { block, fetchedAt: this.options.now() };
    await this.store(blockKeyOf(request), entry);
    this.heard(request, undefined);
    return entry;
  }

  /**
   * One run per key at a time, whoever asks: `joined` when another request of this replica asked
   * first; across a fleet, one flight per key, `fleet` when another replica's run brought the value
   * (`landed` reads what it stored).
   */
  once<T>(
    key: string,
    call: CallContext,
    run: () => Promise<T>,
    landed: () => Promise<T | undefined>,
  ): { landed: Promise<Landed<T>>; joined: boolean } {
    const running = this.inflight.get(key) as Promise<Landed<T>> | undefined;
    if (running) {
      this.options.observer?.onCoalesced();
      call.logger.debug({ key: redactKey(key) }, 'joined an upstream call already in flight');
      return { landed: running, joined: true };
    }
    const { cache, flights } = this.options;
    // Across the fleet, another replica may be calling for the same key: wait for what it stores.
    const started = (
      flights && cache
        ? flights.fly(key, run, landed).then(({ value, via }) => {
            if (via === 'fleet') {
              this.options.observer?.onCoalesced();
              call.logger.debug({ key: redactKey(key) }, "served by another replica's call");
            }
            return { value, fleet: via === 'fleet' };
          })
        : run().then((value) => ({ value, fleet: false }))
    ).finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return { landed: started, joined: false };
  }

  /** Stores what a call brought, for its whole usable life. */
  async store(key: string, entry: CachedBlock<unknown>): Promise<void> {
    await this.options.cache?.set(key, entry, this.options.keepMs);
  }

  /** What is stored under `key`, if it is fresh: what another replica's call brought. */
  async freshIn(key: string, api: HssApiName): Promise<CachedBlock<unknown> | undefined> {
    const stored = await this.options.cache?.get(key, api);
    return stored && this.options.now() - stored.fetchedAt <= this.options.ttlMsOf(api) ? stored : undefined;
  }

  /** HSS's 429 says when to retry; the budgets (counting the refused call) may allow one later: the later. */
  private async withBudgetWait(request: BlockRequest<unknown>, error: unknown): Promise<never> {
    if (!(error instanceof HssError) || error.upstream?.status !== 429) throw error;
    const api = request.api.name;
    const state = await this.options.budget.peek(api, request.identity).catch(() => null);
    const wait =
      state && state.remaining === 0 && state.resetAt !== null
        ? Math.ceil((state.resetAt - this.options.now()) / 1000)
        : 0;
    if (wait <= (error.retryAfter ?? 0)) throw error;
    throw new HssError(
      'RATE_LIMITED',
      `HSS's rate limit is reached; retry in ${wait} s (the gateway's budget of ${api} calls, which counts the refused one, has none before then).`,
      {
        upstream: error.upstream,
        upstreamRetryAfter: error.upstreamRetryAfter,
        upstreamMessage: error.upstreamMessage,
        api: error.api,
        budget: 'hss',
        retryAfter: wait,
      },
    );
  }

  /** How HSS answered a call: the credential screen and the entitlements hear of it. */
  private heard(request: BlockRequest<unknown>, error: unknown): void {
    const { identity: prover, projectId, credentials } = request;
    const { pause } = this.options;
    if (error === undefined) pause?.answered(request.api.name, prover);
    else if (error instanceof HssError && error.upstream?.status === 429) {
      // The service identity's calls serve everyone; a caller's own credentials, their caller.
      const scope = request.callersOwn
        ? { everyone: false as const, identity: prover }
        : { everyone: true as const };
      pause?.throttled(request.api.name, scope, error.upstreamRetryAfter);
    }
    this.options.screen.onAnswer(credentials, prover, projectId, error);
    const enterpriseProjectId = enterpriseProjectOf(request.parameters);
    this.options.entitlements?.heard(
      { prover, api: request.api.name, projectId, enterpriseProjectId },
      error,
    );
  }
}
