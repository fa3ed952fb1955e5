/**
 * Where the budgets' logs of granted calls live: in memory for one gateway, in Redis for replicas
 * that leave through one address (and so share HSS's per-address quota). Both keep, per API, the
 * calls of each caller and of the address in the last window, and which callers asked lately; the
 * rule that reads them is budget-rule.ts. A grant is recorded only if the window still holds what
 * the decision read (compare and set), so replicas deciding at once never overspend.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { BudgetView } from './budget-rule.js';

export interface BudgetStore {
  /** The window at `now`; `asking` records the caller as one that asked (fair shares count it). */
  view(api: string, identity: string, now: number, windowMs: number, asking: boolean): Promise<BudgetView>;
  /**
   * Records `calls` grants for the caller at `now`, unless the window changed since `read`:
   * false then, and the caller decides again.
   */
  record(
    api: string,
    identity: string,
    calls: number,
    now: number,
    windowMs: number,
    read: BudgetView,
  ): Promise<boolean>;
}

// Callers remembered per API; made-up credentials must not grow the memory without bound.
const MAX_CALLERS = 10_000;

interface ApiWindow {
  address: { at: number; identity: string }[];
  callers: LRUCache<string, number[]>;
  /** When each caller last asked. */
  seen: LRUCache<string, number>;
}

/** One gateway's budgets. */
export class MemoryBudgetStore implements BudgetStore {
  private readonly apis = new Map<string, ApiWindow>();

  private windowOf(api: string): ApiWindow {
    let window = this.apis.get(api);
    if (!window) {
      window = {
        address: [],
        callers: new LRUCache({ max: MAX_CALLERS }),
        seen: new LRUCache({ max: MAX_CALLERS }),
      };
      this.apis.set(api, window);
    }
    return window;
  }

  async view(api: string, identity: string, now: number, windowMs: number, asking: boolean) {
    return this.viewNow(api, identity, now, windowMs, asking);
  }

  private viewNow(api: string, identity: string, now: number, windowMs: number, asking: boolean): BudgetView {
    const window = this.windowOf(api);
    const since = now - windowMs;
    window.address = window.address.filter((call) => call.at > since);
    const caller = (window.callers.get(identity) ?? []).filter((at) => at > since);
    if (asking) window.seen.set(identity, now);
    let othersSeen = 0;
    for (const [who, at] of window.seen.entries()) {
      if (who !== identity && at > now - 2 * windowMs) othersSeen++;
    }
    return { caller, address: [...window.address], othersSeen };
  }

  async record(
    api: string,
    identity: string,
    calls: number,
    now: number,
    windowMs: number,
    read: BudgetView,
  ) {
    // Single-threaded: nothing ran between the decision and this, unless an await did.
    const current = this.viewNow(api, identity, now, windowMs, false);
    if (current.caller.length !== read.caller.length || current.address.length !== read.address.length) {
      return false;
    }
    const window = this.windowOf(api);
    const times = Array.from({ length: calls }, () => now);
    window.callers.set(identity, [...current.caller, ...times]);
    window.address.push(...times.map((at) => ({ at, identity })));
    return true;
  }
}

/** Keys of one API's budget logs; versioned like the page cache's, so formats never mix. */
const keysOf = (api: string, identity: string) => {
  const prefix = `hss-gateway:v1:budget:${api}:`;
  return [`${prefix}caller:${identity}`, `${prefix}address`, `${prefix}seen`] as const;
};

// KEYS: caller log, address log, callers seen. ARGV: now, window, identity, asking (1/0).
// Returns the caller's grant times, the address's `identity|id` members with their times, and how
// many other callers asked within two windows.
const VIEW = `
local now, win = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - win)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 2 * win)
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[3], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[3], 2 * win)
end
local others = redis.call('ZCARD', KEYS[3])
if redis.call('ZSCORE', KEYS[3], ARGV[3]) then others = others - 1 end
return {redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'), redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES'), others}
`;

// KEYS: caller log, address log. ARGV: now, window, identity, calls, caller count read, address
// count read, a unique id. Records the grants only if the counts are still what was read.
const RECORD = `
local now, win = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - win)
if redis.call('ZCARD', KEYS[1]) ~= tonumber(ARGV[5]) or redis.call('ZCARD', KEYS[2]) ~= tonumber(ARGV[6]) then
  return 0
end
for i = 1, tonumber(ARGV[4]) do
  redis.call('ZADD', KEYS[1], now, ARGV[7] .. ':' .. i)
  redis.call('ZADD', KEYS[2], now, ARGV[3] .. '|' .. ARGV[7] .. ':' .. i)
end
redis.call('PEXPIRE', KEYS[1], win)
redis.call('PEXPIRE', KEYS[2], win)
return 1
`;

/** `[member, score, member, score ...]` as scores, oldest first. */
function scores(flat: readonly string[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < flat.length; i += 2) out.push(Number(flat[i]));
  return out;
}

/** Budgets shared by replicas through Redis. */
export class RedisBudgetStore implements BudgetStore {
  constructor(private readonly redis: Redis) {}

  async view(api: string, identity: string, now: number, windowMs: number, asking: boolean) {
    const [caller, address, others] = (await this.redis.eval(
      VIEW,
      3,
      ...keysOf(api, identity),
      now,
      windowMs,
      identity,
      asking ? '1' : '0',
    )) as [string[], string[], number];
    const calls: { at: number; identity: string }[] = [];
    for (let i = 0; i + 1 < address.length; i += 2) {
      const member = address[i] as string;
      calls.push({ at: Number(address[i + 1]), identity: member.slice(0, member.lastIndexOf('|')) });
    }
    return { caller: scores(caller), address: calls, othersSeen: Number(others) };
  }

  async record(
    api: string,
    identity: string,
    calls: number,
    now: number,
    windowMs: number,
    read: BudgetView,
  ) {
    const [callerKey, addressKey] = keysOf(api, identity);
    const done = await this.redis.eval(
      RECORD,
      2,
      callerKey,
      addressKey,
      now,
      windowMs,
      identity,
      calls,
      read.caller.length,
      read.address.length,
      randomUUID(),
    );
    return Number(done) === 1;
  }
}
