/**
 * The gateway's budgets of upstream calls (see budget-rule.ts for the rule): per caller
 * (HSS_RATE_LIMIT_PER_MINUTE) and per address (HSS_ADDRESS_RATE_LIMIT_PER_MINUTE), per API, in any
 * window, so the gateway refuses to spend what HSS would refuse with a 429. Kept in Redis when
 * replicas share one address; a Redis that fails hands over to this replica's own memory.
 * Callers see where their budget stands in every answer (`extensions.cost`) and in `rateLimit`.
 */
import type { Logger } from 'pino';
import { HssError } from '../errors/hss-error.js';
import {
  type BudgetDecision,
  type BudgetLimits,
  type BudgetRequest,
  type BudgetState,
  decide,
  stateOf,
} from './budget-rule.js';
import { type BudgetStore, callId, MemoryBudgetStore } from './budget-store.js';

export type { BudgetState };

/** HSS's minute: a call counts until a minute after it ended (see budget-store.ts). */
const BUDGET_WINDOW_MS = 60_000;

/** One granted call: told when it ended, it counts from then. */
export interface GrantedCall {
  settle(): void;
}

type BudgetAnswer = { granted: true; calls: GrantedCall[] } | Extract<BudgetDecision, { granted: false }>;

// Replicas deciding at the same moment make one of them decide again; a few rounds settle it.
const MAX_ROUNDS = 5;

export interface CallBudget {
  /** What it counts; null: no budget at all. */
  readonly limits: BudgetLimits | null;
  /** Grants `request.calls` calls of an API, or says which budget refuses and for how long. */
  take(request: BudgetRequest): Promise<BudgetAnswer>;
  /** Where the caller's budget for an API stands, without taking anything; null: no budget. */
  peek(api: string, identity: string): Promise<BudgetState | null>;
}

const UNCOUNTED: GrantedCall = { settle: () => undefined };

/** No limit: both budgets are off. */
const UNLIMITED_BUDGET: CallBudget = {
  limits: null,
  take: async (request) => ({ granted: true, calls: Array.from({ length: request.calls }, () => UNCOUNTED) }),
  peek: async () => null,
};

export interface CallBudgetOptions {
  limits: Omit<BudgetLimits, 'windowMs'> & { windowMs?: number };
  /** Redis for replicas; undefined: this gateway's memory. */
  shared?: BudgetStore;
  now: () => number;
  logger?: Logger;
}

export function createCallBudget(options: CallBudgetOptions): CallBudget {
  const limits: BudgetLimits = { windowMs: BUDGET_WINDOW_MS, ...options.limits };
  if (limits.perCaller === 0 && limits.perAddress === 0) return UNLIMITED_BUDGET;
  const memory = new MemoryBudgetStore();
  const { shared, now, logger } = options;
  // A Redis that fails costs the shared count, never a request: this replica counts on its own.
  const withStore = async <T>(use: (store: BudgetStore) => Promise<T>): Promise<T> => {
    if (!shared) return use(memory);
    try {
      return await use(shared);
    } catch (error) {
      logger?.warn({ err: error }, 'Redis budget unavailable; counting in this replica alone');
      return use(memory);
    }
  };
  const settleLater = (store: BudgetStore, request: BudgetRequest, id: string): GrantedCall => ({
    settle: () => {
      store.settle(request.api, request.identity, id, now(), limits.windowMs).catch((error: unknown) => {
        logger?.warn({ err: error }, 'Redis budget unavailable; a call keeps the time it was granted');
      });
    },
  });
  return {
    limits,
    take: (request) =>
      withStore(async (store): Promise<BudgetAnswer> => {
        for (let round = 0; round < MAX_ROUNDS; round++) {
          const at = now();
          const view = await store.view(request.api, request.identity, at, limits.windowMs, true);
          const answer = decide(view, request, limits, at);
          if (!answer.granted) {
            // A waiting request's refusal is a debt refreshes must leave room for.
            if (request.priority === 'foreground') {
              await store.owe(request.api, request.identity, request.calls, at, limits.windowMs);
            }
            return answer;
          }
          const ids = Array.from({ length: request.calls }, callId);
          if (await store.record(request.api, request.identity, ids, at, limits.windowMs, view)) {
            if (request.priority === 'foreground' && view.owed > 0) {
              await store.owe(request.api, request.identity, 0, at, limits.windowMs);
            }
            return { granted: true, calls: ids.map((id) => settleLater(store, request, id)) };
          }
        }
        // Others keep spending under us: they have it, so this one waits.
        return { granted: false, refusedBy: 'address', retryAfterSeconds: 1 };
      }),
    peek: (api, identity) =>
      withStore(async (store) =>
        stateOf(await store.view(api, identity, now(), limits.windowMs, false), limits),
      ),
  };
}

/** What a refused call answers: RATE_LIMITED, naming the budget that refused and when to retry. */
export function budgetRefusal(
  api: string,
  answer: Extract<BudgetDecision, { granted: false }>,
  limits: BudgetLimits,
): HssError {
  const wait = `retry in ${answer.retryAfterSeconds} s.`;
  const message =
    answer.refusedBy === 'caller'
      ? `The gateway's budget of ${limits.perCaller} ${api} calls a minute for these credentials is spent (HSS_RATE_LIMIT_PER_MINUTE); ${wait}`
      : answer.refusedBy === 'fair-share'
        ? `These credentials have had their share of the ${limits.perAddress} ${api} calls a minute HSS allows this gateway's address while other callers wait (HSS_ADDRESS_RATE_LIMIT_PER_MINUTE); ${wait}`
        : `The gateway's budget of ${limits.perAddress} ${api} calls a minute for all callers together is spent (HSS_ADDRESS_RATE_LIMIT_PER_MINUTE: HSS counts calls per source address); ${wait}`;
  return new HssError('RATE_LIMITED', message, { retryAfter: answer.retryAfterSeconds });
}
