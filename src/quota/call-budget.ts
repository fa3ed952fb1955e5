/**
 * The gateway's budgets of upstream calls (see budget-rule.ts for the rule): per caller
 * (HSS_RATE_LIMIT_PER_MINUTE) and per address (HSS_ADDRESS_RATE_LIMIT_PER_MINUTE), per API, in any
 * window, so the gateway refuses to spend what HSS would refuse with a 429. Kept in Redis when
 * replicas share one address; a Redis that fails hands over to this replica's own memory.
 * Callers see where their budget stands in every answer (`extensions.cost`) and in `rateLimit`.
 */
import type { Logger } from 'pino';
import {
  type Asker,
  type BudgetDecision,
  type BudgetLimits,
  type BudgetRequest,
  type BudgetState,
  decide,
  leftOf,
  type QuotaLeft,
  stateOf,
} from './budget-rule.js';
import { type BudgetStore, callId } from './budget-store.js';
import type { FleetBudget } from './fleet-budget.js';
import { MemoryBudgetStore } from './memory-budget-store.js';

export type { BudgetState, QuotaLeft };

/** HSS's minute: a call counts until a minute after it ended (see budget-store.ts). */
export const BUDGET_WINDOW_MS = 60_000;

/** One granted call: told when it ended, it counts from then. */
export interface GrantedCall {
  settle(): void;
}

type BudgetAnswer = { granted: true; calls: GrantedCall[] } | Extract<BudgetDecision, { granted: false }>;

// Replicas deciding at the same moment make one of them decide again; a few rounds settle it.
// (This replica's own decisions never race each other: they are taken one at a time.)
const MAX_ROUNDS = 5;

/** No decision could be made now: Redis did not answer, or other replicas kept taking calls. */
const UNDECIDED: Extract<BudgetDecision, { granted: false }> = {
  granted: false,
  refusedBy: 'undecided',
  retryAfterSeconds: 1,
};

export interface CallBudget {
  /** What it counts; null: no budget at all. */
  readonly limits: BudgetLimits | null;
  /** Grants `request.calls` calls of an API, or says which budget refuses and for how long. */
  take(request: BudgetRequest): Promise<BudgetAnswer>;
  /** Where the caller's budget for an API stands, without taking anything; null: no budget. */
  peek(api: string, identity: string): Promise<BudgetState | null>;
  /**
   * What is left of each budget of an API now, as the decisions here would see it (for on-call);
   * `caller`: of the caller nearest its limit. A budget that is off is absent; null: none could be read.
   */
  left(api: string): Promise<QuotaLeft | null>;
}

const UNCOUNTED: GrantedCall = { settle: () => undefined };

/** No limit: both budgets are off. */
const UNLIMITED_BUDGET: CallBudget = {
  limits: null,
  take: async (request) => ({ granted: true, calls: Array.from({ length: request.calls }, () => UNCOUNTED) }),
  peek: async () => null,
  left: async () => null,
};

export interface CallBudgetOptions {
  limits: Omit<BudgetLimits, 'windowMs'> & { windowMs?: number };
  /** Redis shared by a fleet of replicas, with each replica's mirror; undefined: this gateway's memory. */
  fleet?: FleetBudget;
  /** Redis alone (no mirror): a Redis that fails hands over to this replica's memory, full limits. */
  shared?: BudgetStore;
  now: () => number;
  logger?: Logger;
}

/** Where decisions are made now, and under which limits (`null`: no call at all). */
interface Decider {
  store: BudgetStore;
  limits: BudgetLimits | null;
  /** A fleet's replica: what it grants is mirrored and told to the others. */
  fleet?: FleetBudget;
  /** Deciding alone while Redis cannot be asked: Redis is told of these calls later. */
  alone?: boolean;
}

/** A limit refused while this replica decides alone, on its share of the fleet's limits, is the share's. */
const asShare = (answer: Extract<BudgetDecision, { granted: false }>) =>
  answer.refusedBy === 'caller' || answer.refusedBy === 'address'
    ? { ...answer, refusedBy: 'share' as const }
    : answer;

/** Refused outright: this replica's share of the quota while Redis is unreachable is nothing. */
const NO_SHARE: Extract<BudgetDecision, { granted: false }> = {
  granted: false,
  refusedBy: 'share',
  retryAfterSeconds: 60,
};

export function createCallBudget(options: CallBudgetOptions): CallBudget {
  const limits: BudgetLimits = { windowMs: BUDGET_WINDOW_MS, ...options.limits };
  if (limits.perCaller === 0 && limits.perAddress === 0) return UNLIMITED_BUDGET;
  const memory = new MemoryBudgetStore();
  const { fleet, shared, now, logger } = options;
  // Alone: a fleet's replica on its mirror and its share (fleet-budget.ts says why that is safe);
  // a gateway with Redis but no fleet, on its own memory with the full limits.
  const alone = (): Decider =>
    fleet
      ? { store: fleet.mirror, limits: fleet.share(limits), fleet, alone: true }
      : { store: memory, limits };
  const deciders = (): { first: Decider; fallback: Decider | undefined } => {
    if (fleet) {
      const redis = fleet.shared;
      return redis
        ? { first: { store: redis, limits: fleet.inRedis(limits), fleet }, fallback: alone() }
        : { first: alone(), fallback: undefined };
    }
    return shared
      ? { first: { store: shared, limits }, fallback: alone() }
      : { first: alone(), fallback: undefined };
  };
  // A Redis that fails costs the shared count, never a request. But a fleet's Redis that is still
  // connected and only failed to answer (slow, paused) may be answering the other replicas: this
  // one cannot spend alone without risking the quota, so it waits a second (stale blocks stand in).
  const withDecider = async <T>(use: (decider: Decider) => Promise<T>, hung: () => T): Promise<T> => {
    const { first, fallback } = deciders();
    if (!fallback) return use(first);
    try {
      // Redis first hears what it missed (calls made alone), or this replica goes on alone.
      await first.fleet?.report();
      return await use(first);
    } catch (error) {
      if (first.fleet?.shared) {
        logger?.warn({ err: error }, 'Redis budget did not answer; no call for a second');
        return hung();
      }
      logger?.warn({ err: error }, 'Redis budget unavailable; deciding in this replica alone');
      return use(fallback);
    }
  };
  const settleLater = (decider: Decider, request: BudgetRequest, id: string): GrantedCall => ({
    settle: () => {
      const at = now();
      const asker = askerOf(request);
      decider.fleet?.settled(request.api, asker, id, at);
      decider.store.settle(request.api, asker, id, at, limits.windowMs).catch((error: unknown) => {
        logger?.warn({ err: error }, 'Redis budget unavailable; a call keeps the time it was granted');
      });
    },
  });
  // One decision at a time per API in this replica: the parallel calls of one request (a summary's
  // counts) are granted or refused by the rule, one after the other, never by losing a race.
  const turns = new Map<string, Promise<unknown>>();
  const oneAtATime = <T>(api: string, decide: () => Promise<T>): Promise<T> => {
    const turn = (turns.get(api) ?? Promise.resolve()).then(decide, decide);
    const settled = turn.catch(() => undefined);
    turns.set(api, settled);
    void settled.then(() => {
      if (turns.get(api) === settled) turns.delete(api);
    });
    return turn;
  };
  return {
    limits,
    take: (request) =>
      oneAtATime(request.api, () =>
        withDecider(
          async (decider): Promise<BudgetAnswer> => {
            const { store, limits: applied, fleet: told } = decider;
            if (!applied) return NO_SHARE;
            const asker = askerOf(request);
            for (let round = 0; round < MAX_ROUNDS; round++) {
              const at = now();
              const view = await store.view(request.api, asker, at, applied.windowMs, true);
              if (!decider.alone) told?.observed(request.api, view);
              const answer = decide(view, request, applied, at);
              if (!answer.granted) {
                // A waiting request's refusal is a debt refreshes must leave room for.
                if (request.priority === 'foreground') {
                  await store.owe(request.api, asker, request.calls, at, applied.windowMs);
                }
                return decider.alone ? asShare(answer) : answer;
              }
              const ids = Array.from({ length: request.calls }, callId);
              // Only what the rule counts is compared: a budget that is off cannot make a grant fail.
              const counted = { caller: applied.perCaller > 0, address: applied.perAddress > 0 };
              if (
                await store.record({
                  api: request.api,
                  asker,
                  ids,
                  now: at,
                  windowMs: applied.windowMs,
                  read: view,
                  counted,
                })
              ) {
                told?.granted(request.api, asker, ids, at, decider.alone === true);
                if (request.priority === 'foreground' && view.owed > 0) {
                  await store.owe(request.api, asker, 0, at, applied.windowMs);
                }
                return { granted: true, calls: ids.map((id) => settleLater(decider, request, id)) };
              }
            }
            // Other replicas keep spending under us: this one waits a second.
            return UNDECIDED;
          },
          () => UNDECIDED,
        ),
      ),
    peek: (api, identity) =>
      withDecider(
        async ({ store, limits: applied }) => {
          const view = await store.view(
            api,
            { identity, principal: identity },
            now(),
            limits.windowMs,
            false,
          );
          // No share: nothing remains, whatever was used.
          return applied
            ? stateOf(view, applied)
            : { ...(stateOf(view, limits) as BudgetState), remaining: 0 };
        },
        () => null,
      ),
    // Read where decisions are made now, without telling Redis what it missed (that is a decision's).
    left: async (api) => {
      const { store, limits: applied } = deciders().first;
      const nobody = { identity: '', principal: '' };
      const view = await store.view(api, nobody, now(), limits.windowMs, false).catch(() => undefined);
      return view ? leftOf(view, applied, limits) : null;
    },
  };
}

/** Who asks, as the stores keep it: the principal defaults to the credentials. */
const askerOf = (request: BudgetRequest): Asker => ({
  identity: request.identity,
  principal: request.principal ?? request.identity,
});
