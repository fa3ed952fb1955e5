/**
 * The budgets of upstream calls, as HSS's flow control needs them kept: per caller and per address,
 * in any 60 s (counted from when a call ended), foreground before background, fair shares, and
 * several calls granted together or not at all. Each rule runs against both stores: this gateway's
 * memory, and a real Redis shared by replicas.
 */
import { Redis } from 'ioredis';
import type { BudgetRequest } from '../../src/quota/budget-rule.js';
import type { BudgetStore } from '../../src/quota/budget-store.js';
import { type CallBudget, createCallBudget } from '../../src/quota/call-budget.js';
import { MemoryBudgetStore } from '../../src/quota/memory-budget-store.js';
import { RedisBudgetStore } from '../../src/quota/redis-budget-store.js';
import { ManualClock } from '../helpers/clock.js';
import { useFixtures } from '../helpers/fixtures.js';
import { describeWithRedis } from '../helpers/redis.js';

const API = 'ListPortStatistics';
const ask = (
  identity: string,
  calls = 1,
  priority: BudgetRequest['priority'] = 'foreground',
): BudgetRequest => ({
  api: API,
  identity,
  calls,
  priority,
});

/** The rules, against a store `storeOf()` gives afresh for each test. */
function budgetRules(storeOf: () => Promise<BudgetStore | undefined>) {
  let clock: ManualClock;
  let budget: CallBudget;
  const setUp = async (perCaller = 5, perAddress = 5, refreshReserve = 1) => {
    clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const shared = await storeOf();
    budget = createCallBudget({ limits: { perCaller, perAddress, refreshReserve }, shared, now: clock.now });
  };
  /** Takes and says granted, or why not and for how long; a granted call ends at once. */
  const take = async (request: BudgetRequest) => {
    const answer = await budget.take(request);
    if (!answer.granted) return `${answer.refusedBy} ${answer.retryAfterSeconds}`;
    for (const call of answer.calls) call.settle();
    return 'granted';
  };
  const takeAll = async (requests: BudgetRequest[]) => {
    const answers: string[] = [];
    for (const request of requests) answers.push(await take(request));
    return answers;
  };

  it('per caller: 5 in any 60 s; the 6th is refused until the first call is a minute old', async () => {
    await setUp(5, 0);
    expect(await takeAll(Array.from({ length: 5 }, () => ask('alice')))).toEqual(Array(5).fill('granted'));
    clock.advance(20_000);
    expect(await take(ask('alice'))).toBe('caller 40');
    expect(await take(ask('bob'))).toBe('granted');
    clock.advance(39_999);
    expect(await take(ask('alice'))).toBe('caller 1');
    clock.advance(1);
    expect(await take(ask('alice'))).toBe('granted');
  });

  it('a call counts from when it ended, not from when it was granted', async () => {
    await setUp(1, 0);
    const granted = await budget.take(ask('alice'));
    if (!granted.granted) throw new Error('the first call is granted');
    clock.advance(8_000); // the call took 8 s
    granted.calls[0]?.settle();
    clock.advance(55_000); // 63 s after the grant, 55 s after the call ended
    expect(await take(ask('alice'))).toBe('caller 5');
    clock.advance(5_000);
    expect(await take(ask('alice'))).toBe('granted');
  });

  it('per address: all callers together, 5 in any 60 s', async () => {
    await setUp(5, 5);
    expect(await takeAll([ask('alice'), ask('alice'), ask('bob'), ask('bob'), ask('carol')])).toEqual(
      Array(5).fill('granted'),
    );
    expect(await take(ask('dave'))).toBe('address 60');
  });

  it('several calls are granted together or not at all', async () => {
    await setUp(5, 5);
    expect(await take(ask('alice', 3))).toBe('granted');
    expect(await take(ask('bob', 3))).toBe('address 60');
    expect(await take(ask('bob', 2))).toBe('granted');
  });

  it('a refresh leaves the reserve to requests waiting for data', async () => {
    await setUp(5, 5, 1);
    expect(await take(ask('alice', 3))).toBe('granted');
    expect(await take(ask('alice', 2, 'refresh'))).toBe('reserve 60');
    expect(await take(ask('alice', 1, 'refresh'))).toBe('granted');
    expect(await take(ask('alice', 1, 'refresh'))).toBe('reserve 60');
    expect(await take(ask('alice', 1))).toBe('granted');
  });

  it('what a waiting request was refused is owed to it: refreshes wait until it is paid, or for two windows', async () => {
    await setUp(5, 5, 1);
    expect(await take(ask('alice', 3))).toBe('granted');
    expect(await take(ask('bob', 3))).toBe('address 60'); // bob owes nothing, he is owed 3
    clock.advance(60_000);
    // The window is empty: a refresh of alice's 3 would leave 2, but bob is owed 3.
    expect(await take(ask('alice', 3, 'refresh'))).toBe('reserve 60');
    expect(await take(ask('bob', 3))).toBe('granted');
    expect(await take(ask('alice', 1, 'refresh'))).toBe('granted'); // paid: only the reserve is left
    // A debt nobody comes back for is forgotten after two windows.
    await setUp(5, 5, 1);
    expect(await take(ask('alice', 5))).toBe('granted');
    clock.advance(30_000);
    expect(await take(ask('bob', 4))).toBe('address 30');
    clock.advance(30_000);
    expect(await take(ask('alice', 2, 'refresh'))).toBe('reserve 60');
    clock.advance(89_999);
    expect(await take(ask('alice', 2, 'refresh'))).toBe('reserve 60');
    clock.advance(1);
    expect(await take(ask('alice', 2, 'refresh'))).toBe('granted');
  });

  it('alone, a caller may spend the whole address budget; once another asks, it keeps one back for them', async () => {
    await setUp(5, 5);
    expect(await takeAll(Array.from({ length: 5 }, () => ask('alice')))).toEqual(Array(5).fill('granted'));
    expect(await take(ask('bob'))).toBe('address 60');
    clock.advance(60_000);
    expect(await take(ask('alice', 5))).toBe('fair-share 60');
    expect(await take(ask('alice', 4))).toBe('granted');
    expect(await take(ask('bob'))).toBe('granted');
  });

  it('concurrent takes never grant more than the budget', async () => {
    await setUp(0, 5);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => take(ask(`caller-${i % 4}`))));
    expect(answers.filter((a) => a === 'granted')).toHaveLength(5);
  });

  it('says where a caller stands: its calls, and what both budgets leave it', async () => {
    await setUp(5, 5);
    await takeAll([ask('alice'), ask('alice'), ask('bob'), ask('bob'), ask('bob')]);
    expect(await budget.peek(API, 'alice')).toEqual({
      limit: 5,
      remaining: 0,
      used: 2,
      resetAt: clock.now() + 60_000,
    });
    expect(await budget.peek('ListPortHost', 'alice')).toEqual({
      limit: 5,
      remaining: 5,
      used: 0,
      resetAt: null,
    });
  });
}

describe('budgets in memory', () => {
  budgetRules(async () => undefined);
  it('a store of its own is memory', () => {
    expect(new MemoryBudgetStore()).toBeInstanceOf(MemoryBudgetStore);
  });
});

describeWithRedis('budgets in Redis, shared by replicas', () => {
  const fixtures = useFixtures();
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis((await fixtures.redis()).url);
  });
  afterAll(() => redis.disconnect());
  budgetRules(async () => {
    await redis.flushall();
    return new RedisBudgetStore(redis);
  });
});
