/**
 * The upstream budget per credential (HSS_RATE_LIMIT_PER_MINUTE): HSS allows one user 5 calls per
 * minute, so the gateway refuses to spend more than that rather than collecting 429s. Counted with
 * rate-limiter-flexible, in Redis when replicas share one (an in-memory limiter insures against a
 * Redis outage). Callers see where their budget stands in every answer (`extensions.cost`) and in
 * the `rateLimit` field.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

type BudgetAnswer = { granted: true } | { granted: false; retryAfterSeconds: number };

/** Where a credential's budget stands. */
export interface BudgetState {
  /** Calls a minute. */
  limit: number;
  remaining: number;
  used: number;
  /** When the current minute's count starts afresh, epoch milliseconds; null when nothing is counted. */
  resetAt: number | null;
}

export interface CallBudget {
  /** Calls per minute per credential; null: no budget. */
  readonly perMinute: number | null;
  /** Takes one call from the credential's budget. */
  take(identity: string): Promise<BudgetAnswer>;
  /** Where the credential's budget stands, without taking anything; null: no budget. */
  peek(identity: string): Promise<BudgetState | null>;
}

/** No limit: the embedded emulator without quota simulation. */
export const UNLIMITED_BUDGET: CallBudget = {
  perMinute: null,
  take: async () => ({ granted: true }),
  peek: async () => null,
};

export function createCallBudget(perMinute: number, redis?: Redis): CallBudget {
  const options = { points: perMinute, duration: 60, keyPrefix: 'hss-gateway:budget' };
  const memory = new RateLimiterMemory(options);
  const limiter = redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory })
    : memory;
  return {
    perMinute,
    async take(identity) {
      try {
        await limiter.consume(identity, 1);
        return { granted: true };
      } catch (refusal) {
        if (refusal instanceof RateLimiterRes) {
          return { granted: false, retryAfterSeconds: Math.max(1, Math.ceil(refusal.msBeforeNext / 1000)) };
        }
        throw refusal;
      }
    },
    async peek(identity) {
      let state: RateLimiterRes | null;
      try {
        state = await limiter.get(identity);
      } catch {
        // A Redis that does not answer: say nothing rather than something wrong.
        return null;
      }
      if (!state) return { limit: perMinute, remaining: perMinute, used: 0, resetAt: null };
      const used = Math.min(perMinute, state.consumedPoints);
      return {
        limit: perMinute,
        remaining: Math.max(0, perMinute - used),
        used,
        resetAt: Date.now() + state.msBeforeNext,
      };
    },
  };
}
