/**
 * The upstream budget per credential (HSS_RATE_LIMIT_PER_MINUTE): HSS allows one user 5 calls per
 * minute, so the gateway refuses to spend more than that rather than collecting 429s. Counted with
 * rate-limiter-flexible, in Redis when replicas share one (an in-memory limiter insures against a
 * Redis outage).
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export type BudgetAnswer = { granted: true } | { granted: false; retryAfterSeconds: number };

export interface CallBudget {
  /** Takes one call from the credential's budget. */
  take(identity: string): Promise<BudgetAnswer>;
}

/** No limit: the embedded emulator without quota simulation. */
export const UNLIMITED_BUDGET: CallBudget = { take: async () => ({ granted: true }) };

export function createCallBudget(perMinute: number, redis?: Redis): CallBudget {
  const options = { points: perMinute, duration: 60, keyPrefix: 'hss-gateway:budget' };
  const memory = new RateLimiterMemory(options);
  const limiter = redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: memory })
    : memory;
  return {
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
  };
}
