/**
 * Where upstream data comes from, spending HSS's quota as if it were money: a fresh cached page
 * costs nothing; a stale one is served at once and renewed in the background when the budget has
 * calls to spare (refresh-queue.ts); identical calls in flight are shared across requests; each real
 * call takes a unit of the caller's and the address's budget and goes through retries and the
 * circuit breaker; and when the budget is spent or HSS fails, a stale page (marked as such) beats an
 * error. The same holds for snapshots: a list's whole table, fetched page by page (snapshot.ts).
 */
import type { Logger } from 'pino';
import { HssError } from '../errors/hss-error.js';
import type { FleetFlights } from '../fleet/flights.js';
import { type HssApiName, UPSTREAM_MAX_LIMIT } from '../upstream/hss-apis.js';
import type { HssClient } from '../upstream/hss-client.js';
import type { UpstreamResilience } from '../upstream/resilience.js';
import type { BlockCache, CachedBlock } from './block-cache.js';
import { blockKeyOf } from './block-key.js';
import type { BlockRequest, CallContext, FetchedBlock, FetchedSnapshot } from './block-request.js';
import type { CallPriority } from './budget-rule.js';
import { type BudgetState, budgetRefusal, type CallBudget, type GrantedCall } from './call-budget.js';
import type { CredentialScreen } from './credential-screen.js';
import {
  type EntitledScope,
  type Entitlements,
  enterpriseProjectOf,
  notEntitled,
  preflightRequired,
} from './entitlements.js';
import { RefreshQueue } from './refresh-queue.js';
import { fetchSnapshot, type SnapshotRequest, snapshotTag, tablePage } from './snapshot.js';
import { untilDeadline } from './until-deadline.js';

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
  /** A call was not made: a budget is spent. */
  onBudgetRefused(): void;
  /** A stale page was served: while renewing, instead of an error, or instead of a spent budget. */
  onStaleServed(reason: 'revalidate' | 'error' | 'budget'): void;
}

export interface UpstreamPagesOptions {
  client: HssClient;
  /** Undefined: no cache (CACHE_TTL_SECONDS=0). */
  cache: BlockCache | undefined;
  freshness: Freshness;
  budget: CallBudget;
  /** Which credentials may be spent on a call at all. */
  screen: CredentialScreen;
  /**
   * What HSS answered each caller's own credentials, per scope: who may read shared pages
   * (BlockRequest.mustProve). Undefined: every caller reads as if proven.
   */
  entitlements?: Entitlements;
  resilience: UpstreamResilience;
  /** A fleet's flights (REDIS_URL): one call per key across the replicas. Needs the cache. */
  flights?: FleetFlights;
  logger: Logger;
  now?: () => number;
  observer?: QuotaObserver;
}

/** What a fetch under a key brought, and whether another replica's call brought it. */
interface Landed<Row> {
  entry: CachedBlock<Row>;
  fleet: boolean;
}

/** A call proving a scope, in flight: which page it fetches. */
interface Proof<Row> {
  key: string;
  page: Promise<FetchedBlock<Row>>;
}

/** What fetching under a key needs: how to call for it, at a priority, on behalf of a request. */
type Fetch<Row> = (priority: CallPriority, call: CallContext) => Promise<CachedBlock<Row>>;

export class UpstreamBlocks {
  private readonly inflight = new Map<string, Promise<Landed<unknown>>>();
  /** Proving calls under way, per credentials and scope: one at a time, whoever waits. */
  private readonly proving = new Map<string, Proof<unknown>>();
  private readonly refreshes = new RefreshQueue();
  private readonly now: () => number;

  constructor(private readonly options: UpstreamPagesOptions) {
    this.now = options.now ?? Date.now;
  }

  /** One page of a list call. */
  async load<Row>(request: BlockRequest<Row>, call: CallContext): Promise<FetchedBlock<Row>> {
    const proved = await this.prove(request, call);
    if (proved?.source === 'shared') this.options.observer?.onCoalesced();
    if (proved) return proved;
    const key = blockKeyOf(request);
    return this.serve(key, request, call, (priority, on) => this.fetchPage(request, priority, on));
  }

  /**
   * The whole table of a list call's query (no `limit`, no `offset` in its parameters), when it
   * holds at most `maxPages` pages of 200; undefined when it holds more (then its first page is
   * cached like any other, for the caller to page through instead). With `tag`, the version of that
   * content while it is kept (a cursor pages the snapshot it started on), else the current one.
   */
  async loadSnapshot<Row>(
    request: BlockRequest<Row> & SnapshotRequest,
    call: CallContext,
    tag?: string,
  ): Promise<FetchedSnapshot<Row> | undefined> {
    // A caller that must prove the scope does so with the table's first page (a page of the snapshot).
    await this.prove(tablePage(request, 0), call);
    const key = `${blockKeyOf(request)} snapshot`;
    const versionKey = (version: string) => `${key}@${version}`;
    const { cache, freshness } = this.options;
    const current = await this.serve(key, request, call, async (priority, on) => {
      // What is stored of the table says how large it is: all its pages are then paid for at once.
      const stored = await cache?.get(key, request.api.name);
      const sized = stored ? { ...request, knownRows: stored.block.totalNum } : request;
      const entry = await fetchSnapshot(sized, priority, on, {
        cache,
        ttlMs: freshness.ttlMs,
        now: this.now,
        // Each page of the table is a page like any other: cached, shared, paid for; never stale.
        page: (pageRequest, pagePriority, pageCall, prepaid) =>
          this.serve(
            blockKeyOf(pageRequest),
            pageRequest,
            pageCall,
            (p, c) => this.fetchPage(pageRequest, p, c, prepaid),
            { freshOnly: true, priority: pagePriority },
          ),
        take: (calls, pagePriority) => this.take(request, calls, pagePriority),
      });
      // Every version is kept as long as a page, so a cursor can page the one it started on.
      if (cache && entry.block.rows.length === entry.block.totalNum) {
        await cache.set(versionKey(snapshotTag(entry.block.rows)), entry, this.keepMs);
      }
      return entry;
    });
    // A table too large for a snapshot is kept as its size alone (no rows): see snapshot.ts.
    if (current.rows.length < current.totalNum) return undefined;
    const pages = Math.max(1, Math.ceil(current.totalNum / UPSTREAM_MAX_LIMIT));
    const currentTag = snapshotTag(current.rows);
    if (tag !== undefined && tag !== currentTag && cache) {
      const pinned = (await cache.get(versionKey(tag), request.api.name)) as CachedBlock<Row> | undefined;
      if (pinned) {
        const stale = this.now() - pinned.fetchedAt > freshness.ttlMs;
        return { ...pinned.block, fetchedAt: pinned.fetchedAt, stale, source: 'cache', tag, pages };
      }
    }
    return { ...current, tag: currentTag, pages };
  }

  /** Whether HSS answered these credentials for the scope lately (or no proofs are kept at all). */
  proven(scope: EntitledScope): boolean {
    const { entitlements } = this.options;
    return !entitlements || entitlements.state(scope).state === 'proven';
  }

  /** Where a credential's budget for one API stands (null: no budget applies). */
  budgetOf(identity: string, api: HssApiName = 'ListPortStatistics'): Promise<BudgetState | null> {
    return this.options.budget.peek(api, identity);
  }

  /** HSS's refusal of these credentials, while it is remembered: nothing is served to them. */
  refusalOf(identity: string): HssError | undefined {
    return this.options.screen.recentRefusal(identity);
  }

  /** Resolves once no background refresh is running. */
  settled(): Promise<void> {
    return this.refreshes.settled();
  }

  /** How long a stored page is kept: its whole usable life, fresh and stale windows. */
  private get keepMs(): number {
    const { freshness } = this.options;
    return freshness.ttlMs + Math.max(freshness.staleWhileRevalidateMs, freshness.staleIfErrorMs);
  }

  /** Refused credentials get nothing, not even cached pages they were once given. */
  private refuseRecentlyRefused(identity: string, projectId: string): void {
    const refused = this.options.screen.recentRefusal(identity, projectId);
    if (refused) throw refused;
  }

  /**
   * What is stored under `key`, or fetched: fresh from the cache; stale at once while a refresh is
   * queued; else a call at `priority` (a request waiting: foreground), with a stale page standing in
   * when the budget is spent or HSS is down. `freshOnly`: nothing stale is served (a snapshot's pages
   * must agree with each other), and a page past its time-to-live is fetched again.
   */
  private async serve<Row>(
    key: string,
    request: { api: { name: HssApiName }; identity: string; projectId: string },
    call: CallContext,
    fetch: Fetch<Row>,
    mode: { freshOnly?: boolean; priority?: CallPriority } = {},
  ): Promise<FetchedBlock<Row>> {
    const { cache, freshness, observer } = this.options;
    this.refuseRecentlyRefused(request.identity, request.projectId);
    // The key names the API, so what is stored under it is a page of its rows.
    const cached = cache
      ? ((await cache.get(key, request.api.name)) as CachedBlock<Row> | undefined)
      : undefined;
    const age = cached ? this.now() - cached.fetchedAt : Number.POSITIVE_INFINITY;
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
      return { ...cached.block, fetchedAt: cached.fetchedAt, stale: false, source: 'cache' };
    }
    if (call.mayCall === false) {
      // Whatever is stored, however old, but no call, not even a refresh in the background.
      if (!cached) throw preflightRequired();
      return { ...cached.block, fetchedAt: cached.fetchedAt, stale: age > freshness.ttlMs, source: 'cache' };
    }
    if (cached && !mode.freshOnly && age <= freshness.ttlMs + freshness.staleWhileRevalidateMs) {
      call.logger.debug(
        { cache: 'stale', key: redactKey(key) },
        'stale page served; renewing when the budget allows',
      );
      this.queueRefresh(key, cached.fetchedAt, request.api.name, call, fetch);
      observer?.onStaleServed('revalidate');
      return { ...cached.block, fetchedAt: cached.fetchedAt, stale: true, source: 'cache' };
    }
    try {
      // The fetch is shared: whoever started it may go away or run out of time, the others still
      // wait for it (each until its own deadline, below). A snapshot's pages are fetched inside it.
      const { cancellation: _ownCancellation, deadlineAt: _ownDeadline, ...sharedCall } = call;
      const { landed, joined } = this.shared(key, request.api.name, call, () =>
        fetch(mode.priority ?? 'foreground', sharedCall),
      );
      const { entry: fresh, fleet } = await untilDeadline(landed, call.cancellation, call.deadlineAt);
      return {
        ...fresh.block,
        fetchedAt: fresh.fetchedAt,
        stale: false,
        source: joined || fleet ? 'shared' : 'call',
      };
    } catch (error) {
      if (cached && !mode.freshOnly && this.staleMayStandIn(error, age)) {
        observer?.onStaleServed((error as HssError).code === 'RATE_LIMITED' ? 'budget' : 'error');
        call.logger.warn(
          { cache: 'stale', reason: (error as HssError).code, ageMs: age },
          'serving a stale page instead of an error',
        );
        return { ...cached.block, fetchedAt: cached.fetchedAt, stale: true, source: 'cache' };
      }
      throw error;
    }
  }

  /** Renews `key` in the background when the budget has a call to spare, unless someone did already. */
  private queueRefresh<Row>(
    key: string,
    fetchedAt: number,
    api: HssApiName,
    call: CallContext,
    fetch: Fetch<Row>,
  ) {
    // Not this request's call: it does not wait for it, cannot cancel it, and is not charged for it.
    const background: CallContext = {
      logger: call.logger,
      operationName: call.operationName,
      clientAddress: call.clientAddress,
    };
    this.refreshes.enqueue(key, fetchedAt, async () => {
      const now = await this.options.cache?.get(key, api);
      if (now && now.fetchedAt > fetchedAt) return;
      await this.shared(key, api, background, () => fetch('refresh', background)).landed;
    });
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

  /**
   * One upstream fetch per key at a time, whoever asks (`joined` when another request of this
   * replica asked first; `fleet` when another replica's call brought it); what it brings is stored
   * under the key for its whole usable life.
   */
  private shared<Row>(
    key: string,
    api: HssApiName,
    call: CallContext,
    fetch: () => Promise<CachedBlock<Row>>,
  ): { landed: Promise<Landed<Row>>; joined: boolean } {
    // Keys name the API: a fetch in flight under this key brings this API's rows.
    const running = this.inflight.get(key) as Promise<Landed<Row>> | undefined;
    if (running) {
      this.options.observer?.onCoalesced();
      call.logger.debug({ key: redactKey(key) }, 'joined an upstream call already in flight');
      return { landed: running, joined: true };
    }
    const { cache, flights } = this.options;
    const fetchAndStore = async (): Promise<CachedBlock<Row>> => {
      const entry = await fetch();
      if (cache) await cache.set(key, entry, this.keepMs);
      return entry;
    };
    // Across the fleet, another replica may be calling for the same key: wait for what it stores.
    const started = (
      flights && cache
        ? flights
            .fly(
              key,
              fetchAndStore,
              () => this.freshIn(cache, key, api) as Promise<CachedBlock<Row> | undefined>,
            )
            .then(({ value, via }) => {
              if (via === 'fleet') {
                this.options.observer?.onCoalesced();
                call.logger.debug({ key: redactKey(key) }, "served by another replica's call");
              }
              return { entry: value, fleet: via === 'fleet' };
            })
        : fetchAndStore().then((entry) => ({ entry, fleet: false }))
    ).finally(() => this.inflight.delete(key));
    this.inflight.set(key, started);
    return { landed: started, joined: false };
  }

  /** What is stored under `key`, if it is fresh: what another replica's call brought. */
  private async freshIn(
    cache: BlockCache,
    key: string,
    api: HssApiName,
  ): Promise<CachedBlock<unknown> | undefined> {
    const stored = await cache.get(key, api);
    return stored && this.now() - stored.fetchedAt <= this.options.freshness.ttlMs ? stored : undefined;
  }

  /**
   * Where the caller must prove the scope (BlockRequest.mustProve) and HSS has not answered its
   * credentials for it lately, this page is fetched with them now, whatever the cache holds: the
   * proof, and a page every reader of the scope gets. Undefined where no proof was needed.
   */
  private async prove<Row>(
    request: BlockRequest<Row>,
    call: CallContext,
  ): Promise<FetchedBlock<Row> | undefined> {
    const { entitlements, cache } = this.options;
    if (!request.mustProve || !entitlements) return undefined;
    const { identity, projectId } = request;
    const enterpriseProjectId = enterpriseProjectOf(request.parameters);
    const entitled = { prover: identity, api: request.api.name, projectId, enterpriseProjectId };
    const verdict = await entitlements.recall(entitled);
    if (verdict.state === 'proven') return undefined;
    if (verdict.state === 'denied') throw notEntitled(projectId, enterpriseProjectId, verdict.waitMs);
    this.refuseRecentlyRefused(identity, projectId);
    if (call.mayCall === false) throw preflightRequired();
    const scope = `${identity} ${request.api.name} ${projectId} ${enterpriseProjectId ?? ''}`;
    const key = blockKeyOf(request);
    const running = this.proving.get(scope) as Proof<Row> | undefined;
    if (running) {
      // Another request is proving the scope: with this very page, it is this one's too; else,
      // once proven, this page is served as any other.
      call.logger.debug({ key: redactKey(key) }, 'joined an upstream call already in flight');
      const page = await untilDeadline(running.page, call.cancellation, call.deadlineAt);
      return running.key === key ? { ...page, source: 'shared' } : undefined;
    }
    const { cancellation: _ownCancellation, deadlineAt: _ownDeadline, ...sharedCall } = call;
    const fetchAndStore = async () => {
      const entry = await this.fetchPage(request, 'foreground', sharedCall);
      if (cache) await cache.set(key, entry, this.keepMs);
      return entry;
    };
    // Across a fleet, one replica proves these credentials' scope; the others read its verdict.
    const { flights } = this.options;
    const landed = async () =>
      cache && (await entitlements.recall(entitled)).state === 'proven'
        ? ((await this.freshIn(cache, key, request.api.name)) as CachedBlock<Row> | undefined)
        : undefined;
    // A replica that takes the lease after another's proof landed reads that proof instead.
    const orLanded = async () => {
      const stored = await landed();
      return stored ? { entry: stored, called: false } : { entry: await fetchAndStore(), called: true };
    };
    const flown =
      flights && cache
        ? flights
            .fly(`proof ${identity} ${key}`, orLanded, async () => {
              const stored = await landed();
              return stored && { entry: stored, called: false };
            })
            .then(({ value }) => value)
        : fetchAndStore().then((entry) => ({ entry, called: true }));
    const page = flown
      .then(({ entry, called }): FetchedBlock<Row> => {
        const source = called ? 'call' : 'shared';
        return { ...entry.block, fetchedAt: entry.fetchedAt, stale: false, source };
      })
      .finally(() => this.proving.delete(scope));
    this.proving.set(scope, { key, page });
    return untilDeadline(page, call.cancellation, call.deadlineAt);
  }

  /** Takes `calls` calls of both budgets at once, or throws the refusal. */
  private async take(
    request: { api: { name: HssApiName }; identity: string; principal: string },
    calls: number,
    priority: CallPriority,
  ): Promise<GrantedCall[]> {
    const { budget, observer } = this.options;
    const api = request.api.name;
    const grant = await budget.take({
      api,
      identity: request.identity,
      principal: request.principal,
      calls,
      priority,
    });
    if (grant.granted) return grant.calls;
    observer?.onBudgetRefused();
    throw budgetRefusal(
      api,
      grant,
      budget.limits ?? { perCaller: 0, perAddress: 0, refreshReserve: 0, windowMs: 0 },
    );
  }

  /**
   * One page from HSS: the credentials admitted, a call of the budget for each attempt (retries are
   * calls too; a `prepaid` one was granted already), through retries and the circuit.
   */
  private async fetchPage<Row>(
    request: BlockRequest<Row>,
    priority: CallPriority,
    call: CallContext,
    prepaid?: GrantedCall,
  ): Promise<CachedBlock<Row>> {
    const { client, screen, resilience, entitlements } = this.options;
    const heard = (error: unknown) => {
      screen.onAnswer(request.credentials, request.identity, request.projectId, error);
      const { identity: prover, projectId } = request;
      const enterpriseProjectId = enterpriseProjectOf(request.parameters);
      entitlements?.heard({ prover, api: request.api.name, projectId, enterpriseProjectId }, error);
    };
    let paid = prepaid;
    // A circuit per project and credentials: one caller's failures do not pause the others' calls.
    const page = await resilience.execute(request.projectId, request.identity, async () => {
      // HSS counts its quota per user, per address and per API.
      const granted = paid ?? (await this.take(request, 1, priority))[0];
      paid = undefined;
      call.onUpstreamCall?.();
      // The shared call is not tied to one caller's cancellation: others may be waiting for it.
      return client
        .list(request.api, request.projectId, request.parameters, request.credentials, {
          logger: call.logger,
          operationName: call.operationName,
          traceContext: call.traceContext,
        })
        .then(
          (answered) => {
            heard(undefined);
            return answered;
          },
          (error: unknown) => {
            heard(error);
            throw error;
          },
        )
        .finally(() => granted?.settle());
    });
    return { block: page, fetchedAt: this.now() };
  }
}

/** Keys begin with the credential's identity; logs need only the request part. */
function redactKey(key: string): string {
  return key.slice(key.indexOf(' ') + 1);
}
