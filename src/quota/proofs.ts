/**
 * Proofs of entitlement (entitlements.ts): where a caller reads as its own credentials and HSS has
 * not answered them for a scope lately, the block it asks for is fetched with them now, whatever
 * the cache holds: the proof, and a block every reader of the scope gets. One proof per
 * credentials and scope at a time, whoever waits (in a fleet, one per fleet: the others read its
 * verdict).
 */

import type { FleetFlights } from '../fleet/flights.js';
import type { FetchedBlock } from '../model/block.js';
import type { CachedBlock } from './block-cache.js';
import type { BlockCalls } from './block-calls.js';
import { blockKeyOf } from './block-key.js';
import { type BlockRequest, type CallContext, sharedCallOf } from './block-request.js';
import type { CallPriority } from './budget-rule.js';
import type { CredentialScreen } from './credential-screen.js';
import {
  type EntitledScope,
  type Entitlements,
  enterpriseProjectOf,
  notEntitled,
  preflightRequired,
} from './entitlements.js';
import { redactKey, served } from './freshness.js';
import { untilDeadline } from './until-deadline.js';

/** A call proving a scope, in flight: which block it fetches. */
interface Proof {
  key: string;
  block: Promise<FetchedBlock<unknown>>;
}

export interface ScopeProofsOptions {
  entitlements: Entitlements;
  calls: BlockCalls;
  /** Whether the cache is on: another replica's proof is read from it. */
  cached: boolean;
  flights?: FleetFlights;
  /** Credentials HSS refused lately: no proof is spent on them. */
  screen: CredentialScreen;
}

export class ScopeProofs {
  private readonly proving = new Map<string, Proof>();

  constructor(private readonly options: ScopeProofsOptions) {}

  /** Whether HSS answered these credentials for the scope lately. */
  proven(scope: EntitledScope): boolean {
    return this.options.entitlements.state(scope).state === 'proven';
  }

  /**
   * The request's block, fetched as the proof where one is needed (`source` call, or shared for a
   * request that joined another's proof of the same block); undefined where none is needed, or
   * once another block's proof of the scope has landed.
   */
  async prove<Row>(
    request: BlockRequest<Row>,
    call: CallContext,
    priority: CallPriority = 'foreground',
  ): Promise<FetchedBlock<Row> | undefined> {
    if (!request.mustProve) return undefined;
    const { entitlements } = this.options;
    const { identity, projectId } = request;
    const enterpriseProjectId = enterpriseProjectOf(request.parameters);
    const entitled = { prover: identity, api: request.api.name, projectId, enterpriseProjectId };
    const verdict = await entitlements.recall(entitled);
    if (verdict.state === 'proven') return undefined;
    if (verdict.state === 'denied') throw notEntitled(projectId, enterpriseProjectId, verdict.waitMs);
    const refused = this.options.screen.recentRefusal(identity, projectId);
    if (refused) throw refused;
    if (call.mayCall === false) throw preflightRequired();
    const scope = `${identity} ${request.api.name} ${projectId} ${enterpriseProjectId ?? ''}`;
    const key = blockKeyOf(request);
    const running = this.proving.get(scope);
    if (running) {
      // Another request is proving the scope: with this very block, it is this one's too; else,
      // once proven, this block is served as any other.
      call.logger.debug({ key: redactKey(key) }, 'joined an upstream call already in flight');
      const block = (await untilDeadline(
        running.block,
        call.cancellation,
        call.deadlineAt,
      )) as FetchedBlock<Row>;
      return running.key === key ? { ...block, source: 'shared' } : undefined;
    }
    const block = this.fly(request, key, entitled, sharedCallOf(call), priority).finally(() =>
      this.proving.delete(scope),
    );
    this.proving.set(scope, { key, block });
    return untilDeadline(block, call.cancellation, call.deadlineAt);
  }

  /** The proving call: across a fleet, one replica's; the others read the verdict it leaves. */
  private async fly<Row>(
    request: BlockRequest<Row>,
    key: string,
    entitled: EntitledScope,
    call: CallContext,
    priority: CallPriority,
  ): Promise<FetchedBlock<Row>> {
    const { calls, flights, cached, entitlements } = this.options;
    const api = request.api.name;
    // Its own call, joining no other's: only an answer to these credentials proves them.
    const fetchAndStore = () => calls.fetch(request, priority, call);
    const landed = async () =>
      cached && (await entitlements.recall(entitled)).state === 'proven'
        ? ((await calls.freshIn(key, api)) as CachedBlock<Row> | undefined)
        : undefined;
    if (!flights || !cached) return served(await fetchAndStore(), false, 'call');
    // A replica that takes the lease after another's proof landed reads that proof instead.
    const { value } = await flights.fly(
      `proof ${request.identity} ${key}`,
      async () => {
        const stored = await landed();
        return stored ? { entry: stored, called: false } : { entry: await fetchAndStore(), called: true };
      },
      async () => {
        const stored = await landed();
        return stored && { entry: stored, called: false };
      },
    );
    return served(value.entry, false, value.called ? 'call' : 'shared');
  }
}
