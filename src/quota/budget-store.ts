/**
 * Where the budgets' logs of granted calls live: in memory for one gateway, in Redis for replicas
 * that leave through one address (and so share HSS's per-address quota). Both keep, per API, the
 * calls of each caller and of the address in the last window, which callers asked lately, and what
 * waiting requests were refused (debts); the rule that reads them is budget-rule.ts.
 *
 * A call is entered when it is granted, and moved to when it ended once it has: HSS counts a call
 * when it arrives, somewhere in between, so a window counted from the end never lets a call out of
 * the window before HSS lets it out of its own. A grant is entered only if the window still holds
 * what the decision read (compare and set), so replicas deciding at once never overspend.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { Asker, BudgetView } from './budget-rule.js';

export interface BudgetStore {
  /** The window at `now`; `asking` records the principal as one that asked (fair shares count it). */
  view(api: string, asker: Asker, now: number, windowMs: number, asking: boolean): Promise<BudgetView>;
  /**
   * Enters the calls `ids` for the asker at `now`, unless the window changed since `read` in what
   * the rule counts (`counted`): false then, and the asker decides again.
   */
  record(
    api: string,
    asker: Asker,
    ids: readonly string[],
    now: number,
    windowMs: number,
    read: BudgetView,
    counted: Counted,
  ): Promise<boolean>;
  /** Moves a call to `at`: when it ended. */
  settle(api: string, asker: Asker, id: string, at: number, windowMs: number): Promise<void>;
  /** Remembers that a waiting request of the principal was refused `calls` calls at `now`; 0 forgets it. */
  owe(api: string, asker: Asker, calls: number, now: number, windowMs: number): Promise<void>;
}

/** Which of the two logs the rule counts (a budget of 0 is off). */
export interface Counted {
  caller: boolean;
  address: boolean;
}

/** One call of the log: which, when, with which credentials, for whom. */
export interface LoggedCall extends Asker {
  id: string;
  at: number;
}

/** A fresh id for each granted call. */
export const callId = () => randomUUID();

// Callers remembered per API; made-up credentials must not grow the memory without bound.
const MAX_CALLERS = 10_000;
/**
 * How long a debt stands, in windows: long enough for the request that was refused to come back
 * once the calls it waits for have left the window (each refusal renews it, each grant pays it).
 */
const DEBT_WINDOWS = 2;

interface ApiWindow {
  address: LoggedCall[];
  /** When each principal last asked. */
  seen: LRUCache<string, number>;
  /** What each principal's waiting requests were last refused, and when. */
  debts: LRUCache<string, { calls: number; at: number }>;
}

/** One gateway's budgets. */
export class MemoryBudgetStore implements BudgetStore {
  private readonly apis = new Map<string, ApiWindow>();

  private windowOf(api: string, now: number, windowMs: number): ApiWindow {
    let window = this.apis.get(api);
    if (!window) {
      window = {
        address: [],
        seen: new LRUCache({ max: MAX_CALLERS }),
        debts: new LRUCache({ max: MAX_CALLERS }),
      };
      this.apis.set(api, window);
    }
    window.address = window.address.filter((entry) => entry.at > now - windowMs).sort((a, b) => a.at - b.at);
    return window;
  }

  async view(api: string, asker: Asker, now: number, windowMs: number, asking: boolean) {
    return this.viewNow(api, asker, now, windowMs, asking);
  }

  private viewNow(api: string, asker: Asker, now: number, windowMs: number, asking: boolean): BudgetView {
    const window = this.windowOf(api, now, windowMs);
    if (asking) window.seen.set(asker.principal, now);
    let othersSeen = 0;
    for (const [who, at] of window.seen.entries()) {
      if (who !== asker.principal && at > now - 2 * windowMs) othersSeen++;
    }
    let owed = 0;
    for (const debt of window.debts.values()) if (debt.at > now - DEBT_WINDOWS * windowMs) owed += debt.calls;
    return {
      caller: window.address.filter((entry) => entry.identity === asker.identity).map((entry) => entry.at),
      address: window.address.map(({ at, identity, principal }) => ({ at, identity, principal })),
      othersSeen,
      owed,
    };
  }

  async record(
    api: string,
    asker: Asker,
    ids: readonly string[],
    now: number,
    windowMs: number,
    read: BudgetView,
    counted: Counted,
  ) {
    // Single-threaded: nothing ran between the decision and this, unless an await did.
    const current = this.viewNow(api, asker, now, windowMs, false);
    const moved =
      (counted.caller && current.caller.length !== read.caller.length) ||
      (counted.address && current.address.length !== read.address.length);
    if (moved) return false;
    const { identity, principal } = asker;
    this.windowOf(api, now, windowMs).address.push(
      ...ids.map((id) => ({ id, at: now, identity, principal })),
    );
    return true;
  }

  async settle(api: string, _asker: Asker, id: string, at: number) {
    const entry = this.apis.get(api)?.address.find((call) => call.id === id);
    if (entry) entry.at = Math.max(entry.at, at);
  }

  /** Enters a call made elsewhere (another replica's, heard of), once: a mirror of the fleet's log. */
  enter(api: string, call: LoggedCall, windowMs: number): void {
    const window = this.windowOf(api, call.at, windowMs);
    const known = window.address.find((logged) => logged.id === call.id);
    if (known) known.at = Math.max(known.at, call.at);
    else window.address.push({ ...call });
  }

  /** Every call still in the window at `now`, per API: what a Redis that lost them is told again. */
  calls(now: number, windowMs: number): (LoggedCall & { api: string })[] {
    return [...this.apis.keys()].flatMap((api) =>
      this.windowOf(api, now, windowMs).address.map((call) => ({ api, ...call })),
    );
  }

  async owe(api: string, asker: Asker, calls: number, now: number, windowMs: number) {
    const { debts } = this.windowOf(api, now, windowMs);
    if (calls > 0) debts.set(asker.principal, { calls, at: now });
    else debts.delete(asker.principal);
  }
}

/**
 * Keys of one API's budget logs; versioned like the block cache's, so formats never mix (v2: the
 * address log's members name the principal and the credentials).
 */
const keysOf = (api: string, identity: string) => {
  const prefix = `hss-gateway:v2:budget:${api}:`;
  return [`${prefix}caller:${identity}`, `${prefix}address`, `${prefix}seen`, `${prefix}debts`] as const;
};

/** How a call is named in the address log, before its id: `principal|identity|`. */
const memberPrefix = (asker: Asker) => `${asker.principal}|${asker.identity}`;

// KEYS: caller log, address log, principals seen, debts. ARGV: now, window, principal, asking (1/0),
// windows a debt stands.
// Returns the caller's call times, the address's `principal|identity|id` members with their times,
// how many other principals asked within two windows, and the calls owed to waiting requests.
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
local owed = 0
local debts = redis.call('HGETALL', KEYS[4])
for i = 1, #debts, 2 do
  local calls, at = string.match(debts[i + 1], '^(%d+):(%d+)$')
  if at and tonumber(at) > now - ARGV[5] * win then owed = owed + tonumber(calls) else redis.call('HDEL', KEYS[4], debts[i]) end
end
return {redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES'), redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES'), others, owed}
`;

// KEYS: caller log, address log. ARGV: now, window, member prefix, caller count read, address count
// read (-1: not counted), then the calls' ids. Enters them only if the counts are still what was read.
const RECORD = `
local now, win = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - win)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - win)
local caller, address = tonumber(ARGV[4]), tonumber(ARGV[5])
if (caller >= 0 and redis.call('ZCARD', KEYS[1]) ~= caller) or (address >= 0 and redis.call('ZCARD', KEYS[2]) ~= address) then
  return 0
end
for i = 6, #ARGV do
  redis.call('ZADD', KEYS[1], now, ARGV[i])
  redis.call('ZADD', KEYS[2], now, ARGV[3] .. '|' .. ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], win)
redis.call('PEXPIRE', KEYS[2], win)
return 1
`;

// KEYS: caller log, address log. ARGV: the call's id, when it ended, member prefix, window. Moves
// it there (only ever later), if it is still in the window.
const SETTLE = `
local at, win = tonumber(ARGV[2]), tonumber(ARGV[4])
for i, member in ipairs({ARGV[1], ARGV[3] .. '|' .. ARGV[1]}) do
  local was = redis.call('ZSCORE', KEYS[i], member)
  if was and tonumber(was) < at then redis.call('ZADD', KEYS[i], at, member) end
end
redis.call('PEXPIRE', KEYS[1], win)
redis.call('PEXPIRE', KEYS[2], win)
return 1
`;

// KEYS: caller log, address log. ARGV: the call's id, when, member prefix, window. Enters a call
// this Redis does not know (it was down, or lost its data), or moves it later; never earlier.
const REPLAY = `
local at, win = tonumber(ARGV[2]), tonumber(ARGV[4])
for i, member in ipairs({ARGV[1], ARGV[3] .. '|' .. ARGV[1]}) do
  local was = redis.call('ZSCORE', KEYS[i], member)
  if not was or tonumber(was) < at then redis.call('ZADD', KEYS[i], at, member) end
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

  async view(api: string, asker: Asker, now: number, windowMs: number, asking: boolean) {
    const [caller, address, others, owed] = (await this.redis.eval(
      VIEW,
      4,
      ...keysOf(api, asker.identity),
      now,
      windowMs,
      asker.principal,
      asking ? '1' : '0',
      DEBT_WINDOWS,
    )) as [string[], string[], number, number];
    const calls: BudgetView['address'][number][] = [];
    for (let i = 0; i + 1 < address.length; i += 2) {
      const [principal = '', identity = '', id = ''] = (address[i] as string).split('|');
      calls.push({ at: Number(address[i + 1]), principal, identity, id });
    }
    return { caller: scores(caller), address: calls, othersSeen: Number(others), owed: Number(owed) };
  }

  async record(
    api: string,
    asker: Asker,
    ids: readonly string[],
    now: number,
    windowMs: number,
    read: BudgetView,
    counted: Counted,
  ) {
    const [callerKey, addressKey] = keysOf(api, asker.identity);
    const done = await this.redis.eval(
      RECORD,
      2,
      callerKey,
      addressKey,
      now,
      windowMs,
      memberPrefix(asker),
      counted.caller ? read.caller.length : -1,
      counted.address ? read.address.length : -1,
      ...ids,
    );
    return Number(done) === 1;
  }

  async settle(api: string, asker: Asker, id: string, at: number, windowMs: number) {
    const [callerKey, addressKey] = keysOf(api, asker.identity);
    await this.redis.eval(SETTLE, 2, callerKey, addressKey, id, at, memberPrefix(asker), windowMs);
  }

  /** Tells Redis of calls made while it was unreachable (or before it lost its data). */
  async replay(calls: readonly (LoggedCall & { api: string })[], windowMs: number) {
    for (const call of calls) {
      const [callerKey, addressKey] = keysOf(call.api, call.identity);
      await this.redis.eval(REPLAY, 2, callerKey, addressKey, call.id, call.at, memberPrefix(call), windowMs);
    }
  }

  async owe(api: string, asker: Asker, calls: number, now: number, windowMs: number) {
    const debtsKey = keysOf(api, asker.identity)[3];
    if (calls > 0) {
      await this.redis
        .multi()
        .hset(debtsKey, asker.principal, `${calls}:${Math.round(now)}`)
        .pexpire(debtsKey, windowMs)
        .exec();
    } else {
      await this.redis.hdel(debtsKey, asker.principal);
    }
  }
}
