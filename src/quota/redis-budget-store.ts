/** Budget logs shared by replicas through Redis (see budget-store.ts): each decision a script of its own. */
import type { Redis } from 'ioredis';
import type { Asker, BudgetView } from './budget-rule.js';
import { type BudgetStore, DEBT_WINDOWS, type Grant, type LoggedCall } from './budget-store.js';

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

// KEYS: caller log, address log. ARGV: the call's id, when, member prefix, window, and whether to
// enter a call this Redis does not know (1: it was down, or lost its data). Moves a known call to
// `when` if that is later (only ever later: when it ended).
const MOVE = `
local at, win = tonumber(ARGV[2]), tonumber(ARGV[4])
for i, member in ipairs({ARGV[1], ARGV[3] .. '|' .. ARGV[1]}) do
  local was = redis.call('ZSCORE', KEYS[i], member)
  if (was and tonumber(was) < at) or (not was and ARGV[5] == '1') then redis.call('ZADD', KEYS[i], at, member) end
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

  async record({ api, asker, ids, now, windowMs, read, counted }: Grant) {
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
    await this.redis.eval(MOVE, 2, callerKey, addressKey, id, at, memberPrefix(asker), windowMs, '0');
  }

  /** Tells Redis of calls made while it was unreachable (or before it lost its data). */
  async replay(calls: readonly (LoggedCall & { api: string })[], windowMs: number) {
    for (const call of calls) {
      const [callerKey, addressKey] = keysOf(call.api, call.identity);
      await this.redis.eval(
        MOVE,
        2,
        callerKey,
        addressKey,
        call.id,
        call.at,
        memberPrefix(call),
        windowMs,
        '1',
      );
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
