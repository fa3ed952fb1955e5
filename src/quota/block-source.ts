/**
 * Where blocks come from, spending HSS's quota as if it were money: "these blocks, at this
 * priority". One block, or a table's first blocks, are served together and renewed together, each
 * block taking its own call as the budgets allow (progressively: under a quota someone else spends,
 * the blocks that landed are kept, so blocks served together may be fetched up to a TTL apart, and
 * any older one marks the answer stale). A fresh stored block costs nothing; a stale one is served
 * at once and renewed in the background when the budget has calls to spare (refresh-queue.ts), as
 * are lists shown, fetched ahead (fetch-ahead.ts); a call another request is making is joined
 * (block-calls.ts); a caller that reads as its own credentials proves a scope first (proofs.ts);
 * and when the budget is spent or HSS fails, a stale block (marked as such) beats an error.
 */
import type { Logger } from 'pino';
import type { HssError } from '../errors/hss-error.js';
import type { FleetFlights } from '../fleet/flights.js';
import type { FetchedBlock } from '../model/block.js';
import { type HssApiName, LIST_PORT_HOST } from '../upstream/hss-apis.js';
import type { HssClient } from '../upstream/hss-client.js';
import type { UpstreamResilience } from '../upstream/resilience.js';
import type { BlockCache, CachedBlock } from './block-cache.js';
import { BlockCalls } from './block-calls.js';
import { BlockGroups, groupKeyOf } from './block-groups.js';
import { blockKeyOf } from './block-key.js';
import { BlockLookup, justFetched, type Looked } from './block-lookup.js';
import type { BlockRequest, CallContext } from './block-request.js';
import type { BudgetState, CallBudget } from './call-budget.js';
import type { CredentialScreen } from './credential-screen.js';
import { type EntitledScope, type Entitlements, preflightRequired } from './entitlements.js';
import { FETCH_AHEAD_PRINCIPAL, FetchAhead } from './fetch-ahead.js';
import { type Freshness, freshnessOf, keepMsOf, redactKey, served, staleMayStandIn } from './freshness.js';
import { ScopeProofs } from './proofs.js';
import type { QuotaObserver } from './quota-observer.js';
import { RefreshQueue } from './refresh-queue.js';
import { TableVersions } from './table-versions.js';
import { untilDeadline } from './until-deadline.js';
import type { UpstreamPause } from './upstream-pause.js';

export type { QuotaObserver };

export interface UpstreamBlocksOptions {
  client: HssClient;
  /** Undefined: no cache (CACHE_TTL_SECONDS=0). */
  cache: BlockCache | undefined;
  freshness: Freshness;
  budget: CallBudget;
  /** Credentials HSS refused lately get nothing. */
  screen: CredentialScreen;
  /** What HSS answered each caller's own credentials, per scope (BlockRequest.mustProve). */
  entitlements: Entitlements;
  resilience: UpstreamResilience;
  /** A fleet's flights (REDIS_URL): one call per key across the replicas. Needs the cache. */
  flights?: FleetFlights;
  logger: Logger;
  now?: () => number;
  observer?: QuotaObserver;
  /** Calls paused after HSS answered 429, across the fleet. */
  pause?: UpstreamPause;
  /** Lists shown are fetched ahead (fetch-ahead.ts), where a cache keeps them and a budget says what is spare. */
  fetchAhead?: boolean;
}

export class UpstreamBlocks {
  private readonly refreshes = new RefreshQueue();
  /** Lists answers showed (the servers of their rows), fetched ahead with calls the budget has spare. */
  readonly fetchAhead: FetchAhead<BlockRequest<unknown>> | undefined;
  private readonly now: () => number;
  private readonly lookup: BlockLookup;
  private readonly calls: BlockCalls;
  private readonly groups: BlockGroups;
  private readonly proofs: ScopeProofs;
  /** Versions of tables kept for cursors (a snapshot's rows under its tag). */
  readonly versions: TableVersions;

  constructor(private readonly options: UpstreamBlocksOptions) {
    this.now = options.now ?? Date.now;
    const { freshness, cache, flights } = options;
    this.lookup = new BlockLookup(cache, freshness, this.now, options.observer);
    this.calls = new BlockCalls({
      ...options,
      now: this.now,
      keepMs: keepMsOf(freshness),
      ttlMsOf: (api: string) => freshnessOf(freshness, api).ttlMs,
    });
    this.versions = new TableVersions(this.calls, cache);
    this.groups = new BlockGroups(this.calls, this.lookup);
    if (options.fetchAhead && cache && options.budget.limits) {
      this.fetchAhead = new FetchAhead<BlockRequest<unknown>>({
        keyOf: blockKeyOf,
        apiOf: (request) => request.api.name,
        windowMs: options.budget.limits.windowMs,
        forgetMs: freshnessOf(freshness, LIST_PORT_HOST.name).ttlMs,
        fetch: (r) => this.fetchAheadOne(r),
        now: this.now,
      });
    }
    this.proofs = new ScopeProofs({
      entitlements: options.entitlements,
      calls: this.calls,
      cached: cache !== undefined,
      ...(flights && { flights }),
      screen: options.screen,
    });
  }

  /** One block of a list. */
  async block<Row>(request: BlockRequest<Row>, call: CallContext): Promise<FetchedBlock<Row>> {
    const [block] = await this.blocks([request], call);
    return block as FetchedBlock<Row>;
  }

  /**
   * Blocks served together (one, or a table's first blocks): fresh from the cache; stale at once
   * while all of them are renewed together; else those not fresh fetched now, each as the budgets
   * allow, and those that could not be standing in as stored when a budget, HSS's quota or HSS
   * being down refused them.
   * `firstStored`: what the caller read of the first block already (stored()), not read again
   * when it found one (a miss is read again: another replica may have stored it since).
   */
  async blocks<Row>(
    requests: readonly BlockRequest<Row>[],
    call: CallContext,
    firstStored?: { entry: CachedBlock<Row> | undefined },
  ): Promise<FetchedBlock<Row>[]> {
    const [first] = requests;
    if (!first) return [];
    // A proof brings the first block: it is served as it came (a call), the others as they stand.
    const proved = await this.proofs.prove(first, call);
    // A request waited for a call: clicks are coming, and fetching ahead stands back.
    if (proved?.source === 'call') this.fetchAhead?.askedFor(first.api.name);
    if (proved?.source === 'shared') this.options.observer?.onCoalesced();
    this.refuseRefused(first.identity, first.projectId);
    if (proved && requests.length === 1) return [proved];
    const looked = await Promise.all(
      requests.map((request, i) =>
        i > 0
          ? this.lookup.look(request)
          : proved
            ? justFetched(proved)
            : this.lookup.look(request, true, firstStored?.entry && firstStored),
      ),
    );
    const asStored = (stale: (l: Looked<Row>) => boolean) =>
      looked.map((l, i) => (i === 0 && proved) || served(l.entry as CachedBlock<Row>, stale(l), 'cache'));
    if (looked.every((l) => l.standing === 'fresh')) return asStored(() => false);
    const stored = looked.every((l) => l.entry !== undefined);
    if (call.mayCall === false) {
      // Whatever is stored, however old, but no call, not even a refresh in the background.
      if (!stored) throw preflightRequired();
      return asStored((l) => l.standing !== 'fresh');
    }
    if (stored && looked.every((l) => l.standing !== 'old') && this.lookup.together(looked)) {
      const fetchedAt = Math.min(...looked.map((l) => (l.entry as CachedBlock<Row>).fetchedAt));
      call.logger.debug(
        { cache: 'stale', key: redactKey(blockKeyOf(first)) },
        'stale block served; renewing it',
      );
      this.queueRefresh(requests, call, fetchedAt);
      this.options.observer?.onStaleServed('revalidate');
      return asStored((l) => l.standing !== 'fresh');
    }
    try {
      this.fetchAhead?.askedFor(first.api.name);
      const fetched = this.groups.fetch(requests, looked, 'foreground', call);
      return await untilDeadline(fetched, call.cancellation, call.deadlineAt);
    } catch (error) {
      // Blocks that landed before the failure are stored: served as they are now, fresh, and the
      // others as they were (stale-if-error); a block never stored fails the whole group.
      const now = await Promise.all(
        requests.map((request, i) =>
          i === 0 && proved ? justFetched(proved) : this.lookup.look(request, false),
        ),
      );
      const oldest = Math.max(0, ...now.filter((l) => l.standing !== 'fresh').map((l) => l.age));
      if (
        !now.every((l) => l.entry) ||
        !staleMayStandIn(error, oldest, freshnessOf(this.options.freshness, requests[0]?.api.name ?? ''))
      )
        throw error;
      this.standIn(error, oldest, call);
      return now.map((l) => served(l.entry as CachedBlock<Row>, l.standing !== 'fresh', 'cache'));
    }
  }

  /** What is stored of a block, however old (within its keep), with no call: what a table's size is. */
  stored<Row>(request: BlockRequest<Row>): Promise<CachedBlock<Row> | undefined> {
    return this.lookup.stored(request);
  }

  /** Whether HSS answered these credentials for the scope lately. */
  proven(scope: EntitledScope): boolean {
    return this.proofs.proven(scope);
  }

  /** Where a credential's budget for one API stands (null: no budget applies). */
  budgetOf(identity: string, api: HssApiName = 'ListPortStatistics'): Promise<BudgetState | null> {
    return this.options.budget.peek(api, identity);
  }

  /**
   * HSS's refusal of these credentials everywhere (or in a project), while it is remembered:
   * nothing is served to them.
   */
  refusalOf(identity: string, projectId?: string): HssError | undefined {
    return this.options.screen.recentRefusal(identity, projectId);
  }

  /** Resolves once no background refresh (or fetch ahead) is running. */
  async settled(): Promise<void> {
    await Promise.all([this.refreshes.settled(), this.fetchAhead?.settled()]);
  }

  /** Refused credentials get nothing, not even cached blocks they were once given. */
  private refuseRefused(identity: string, projectId: string): void {
    const refused = this.options.screen.recentRefusal(identity, projectId);
    if (refused) throw refused;
  }

  /** Renews blocks in the background when the budget has calls to spare, unless someone did already. */
  private queueRefresh<Row>(requests: readonly BlockRequest<Row>[], call: CallContext, fetchedAt: number) {
    // Not this request's call: it does not wait for it, cannot cancel it, and is not charged for it.
    const background: CallContext = { logger: call.logger, operationName: call.operationName };
    this.refreshes.enqueue(groupKeyOf(requests), fetchedAt, async () => {
      const looked = await Promise.all(requests.map((request) => this.lookup.look(request, false)));
      if (looked.every((l) => l.standing === 'fresh')) return;
      await this.groups.fetch(requests, looked, 'refresh', background);
    });
  }

  /** A list fetched ahead, as a refresh, unless it is fresh (or it proves its scope): until when it is fresh. */
  private async fetchAheadOne(viewed: BlockRequest<unknown>): Promise<number> {
    // On the gateway's account: no viewer's fair share of the address pays for a guess.
    const request = { ...viewed, principal: FETCH_AHEAD_PRINCIPAL };
    const { ttlMs } = freshnessOf(this.options.freshness, request.api.name);
    const background: CallContext = { logger: this.options.logger, operationName: null };
    const proved = await this.proofs.prove(request, background, 'refresh');
    if (proved) return proved.fetchedAt + ttlMs;
    const looked = await this.lookup.look(request, false);
    if (looked.standing === 'fresh') return (looked.entry?.fetchedAt ?? 0) + ttlMs;
    const [block] = await this.groups.fetch([request], [looked], 'refresh', background);
    return (block?.fetchedAt ?? this.now()) + ttlMs;
  }

  private standIn(error: unknown, age: number, call: CallContext): void {
    const code = (error as HssError).code;
    this.options.observer?.onStaleServed(code === 'RATE_LIMITED' ? 'budget' : 'error');
    call.logger.warn(
      { cache: 'stale', reason: code, ageMs: age },
      'serving a stale block instead of an error',
    );
  }
}
