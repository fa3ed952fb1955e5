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
  type BudgetAnswer,
  type BudgetLimits,
  type BudgetRequest,
  type BudgetState,
  decide,
  stateOf,
} from './budget-rule.js';
import { type BudgetStore, MemoryBudgetStore } from './budget-store.js';

export type { BudgetRequest, BudgetState };

/**
 * HSS's minute, and a second more: a call is counted here when it is granted, and by HSS when it
 * arrives, a moment later. Counting a longer window keeps the two from disagreeing at its edge.
 */
export const BUDGET_WINDOW_MS = 61_000;

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

/** No limit: both budgets are off. */
export const UNLIMITED_BUDGET: CallBudget = {
  limits: null,
  take: async () => ({ granted: true }),
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
  return {
    limits,
    take: (request) =>
      withStore(async (store) => {
        for (let round = 0; round < MAX_ROUNDS; round++) {
          const at = now();
          const view = await store.view(request.api, request.identity, at, limits.windowMs, true);
          const answer = decide(view, request, limits, at);
          if (!answer.granted) return answer;
          if (await store.record(request.api, request.identity, request.calls, at, limits.windowMs, view)) {
            return answer;
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
  answer: Extract<BudgetAnswer, { granted: false }>,
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
