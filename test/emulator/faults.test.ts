/** The emulator misbehaves exactly as asked: each fault on the wire, the quota, the admin endpoint. */
import { Agent, type Dispatcher, request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';

const perTest = useFixtures({ closeAfter: 'each' });
let hss: RunningEmulator;
let clock: ManualClock;
beforeEach(async () => {
  clock = new ManualClock();
  hss = await perTest.emulator({ now: clock.now });
});

const PATH = '/v5/p/asset/port/statistics';
const get = (token = 'user-1') => request(`${hss.url}${PATH}`, { headers: { 'x-auth-token': token } });
const admin = (method: 'GET' | 'PUT' | 'DELETE', body?: unknown) =>
  request(`${hss.url}/__emulator/faults`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('faults on the wire', () => {
  // Each fault is named after the status it answers: status-429 answers 429.
  it.each([
    [429, 'APIGW.0308'],
    [500, 'HSS.1001'],
    [502, 'APIGW.0201'],
    [503, 'APIGW.0201'],
    [504, 'APIGW.0201'],
  ] as const)(
    'status-%i answers that status with %s, then the next request is normal',
    async (status, code) => {
      const fault = `status-${status}` as const;
      hss.emulator.setFaults({ next: [fault] });
      const faulty = await get();
      expect(faulty.statusCode).toBe(status);
      expect(faulty.headers['retry-after']).toBeUndefined();
      expect(((await faulty.body.json()) as { error_code: string }).error_code).toBe(code);
      expect((await get()).statusCode).toBe(200);
    },
  );

  it('status-429-retry-after carries Retry-After', async () => {
    hss.emulator.setFaults({ next: ['status-429-retry-after'], retryAfterSeconds: 7 });
    const answer = await get();
    await answer.body.dump();
    expect(answer.headers['retry-after']).toBe('7');
  });

  it('reset closes the connection before any answer', async () => {
    hss.emulator.setFaults({ next: ['reset'] });
    await expect(get()).rejects.toMatchObject({ code: expect.stringMatching(/UND_ERR_SOCKET|ECONNRESET/) });
  });

  it('truncated sends half the promised body, then closes', async () => {
    hss.emulator.setFaults({ next: ['truncated'] });
    const answer = await get();
    expect(answer.statusCode).toBe(200);
    await expect(answer.body.text()).rejects.toThrow();
  });

  it('non-json answers 200 with an HTML page', async () => {
    hss.emulator.setFaults({ next: ['non-json'] });
    const answer = await get();
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toBe('text/html');
    expect(await answer.body.text()).toContain('502 Bad Gateway');
  });

  it('slow-drip delivers the whole body, in small chunks', async () => {
    hss.emulator.setFaults({ next: ['slow-drip'], dripChunkDelayMs: 1 });
    const answer = await get();
    const body = (await answer.body.json()) as { data_list: unknown[] };
    expect(body.data_list).toHaveLength(10);
  });

  it('rates are drawn from a seeded generator: the same seed, the same faults', async () => {
    const run = async () => {
      hss.emulator.setFaults({ rates: { 'status-503': 0.5 }, seed: 42 });
      const statuses = [];
      for (let i = 0; i < 12; i++) {
        const answer = await get();
        await answer.body.dump();
        statuses.push(answer.statusCode);
        // One call every 12 s stays within HSS's 5 a minute: every answer is the generator's.
        clock.advance(12_000);
      }
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(first.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(await run()).toEqual(first);
  });
});

describe("HSS's flow control", () => {
  // HSS lets one user (token or access key), and one source address, call one API at most 5 times in
  // any 60 s. Every call of these tests comes from 127.0.0.1 unless it says otherwise.
  const STATISTICS = '/v5/p/asset/port/statistics';
  const PORT_HOST = '/v5/p/asset/ports/detail?port=22';
  const call = async (path = STATISTICS, token = 'user-1', dispatcher?: Dispatcher) => {
    const answer = await request(`${hss.url}${path}`, { headers: { 'x-auth-token': token }, dispatcher });
    return { status: answer.statusCode, headers: answer.headers, body: (await answer.body.json()) as any };
  };
  /** The statuses of `n` calls, one after the other. */
  const statuses = async (n: number, path = STATISTICS, token = 'user-1') => {
    const seen: number[] = [];
    for (let i = 0; i < n; i++) seen.push((await call(path, token)).status);
    return seen;
  };
  const OK5 = [200, 200, 200, 200, 200];

  it("is on by default: a user's 6th call in 60 s is 429 APIGW.0308 with Huawei's error body", async () => {
    expect(await statuses(5)).toEqual(OK5);
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(refused.body).toEqual({
      error_code: 'APIGW.0308',
      error_msg: 'The throttling threshold has been reached: policy user over ratelimit',
      request_id: refused.headers['x-request-id'],
    });
    expect(refused.body.request_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('does not count refused calls', async () => {
    expect(await statuses(5)).toEqual(OK5);
    expect(await statuses(3)).toEqual([429, 429, 429]);
    clock.advance(30_000);
    // Had these counted, they would still fill the window at t = 60 s.
    expect(await statuses(5)).toEqual([429, 429, 429, 429, 429]);
    clock.advance(30_000);
    expect(await statuses(6)).toEqual([...OK5, 429]);
  });

  it('counts per source address: two tokens from 127.0.0.1 share one allowance of 5', async () => {
    expect(await statuses(3, STATISTICS, 'user-1')).toEqual([200, 200, 200]);
    expect(await statuses(2, STATISTICS, 'user-2')).toEqual([200, 200]);
    expect((await call(STATISTICS, 'user-1')).status).toBe(429);
    expect((await call(STATISTICS, 'user-2')).status).toBe(429);
    const third = await call(STATISTICS, 'user-3'); // a user who has made no call yet
    expect(third.status).toBe(429);
    expect(third.body.error_code).toBe('APIGW.0308');
  });

  it('and per user: from another address, the spent user is refused and another user is not', async () => {
    // 127.0.0.0/8 is all loopback: a second source address of this machine.
    const elsewhere = new Agent({ localAddress: '127.0.0.2' });
    try {
      expect(await statuses(5, STATISTICS, 'user-1')).toEqual(OK5);
      expect((await call(STATISTICS, 'user-1', elsewhere)).status).toBe(429);
      expect((await call(STATISTICS, 'user-2', elsewhere)).status).toBe(200);
    } finally {
      await elsewhere.close();
    }
  });

  it('counts ListPortStatistics and ListPortHost apart: spending one leaves the other', async () => {
    expect(await statuses(6, STATISTICS)).toEqual([...OK5, 429]);
    expect(await statuses(6, PORT_HOST)).toEqual([...OK5, 429]);
    expect((await call(STATISTICS)).status).toBe(429);
    // And the other way round, once both windows have emptied.
    clock.advance(60_000);
    expect(await statuses(6, PORT_HOST)).toEqual([...OK5, 429]);
    expect(await statuses(6, STATISTICS)).toEqual([...OK5, 429]);
  });

  it('is a sliding window: a call counts for exactly 60 s after it was made', async () => {
    expect(await statuses(5)).toEqual(OK5);
    clock.advance(59_999);
    expect((await call()).status).toBe(429);
    clock.advance(1);
    expect((await call()).status).toBe(200);
    // The five calls of t = 0 all left the window at t = 60 s; the refused one at 59.999 s never counted.
    expect(await statuses(5)).toEqual([200, 200, 200, 200, 429]);
  });

  it('never lets more than 5 calls through in any 60 s span, a burst at t = 30 s included', async () => {
    // [ms since the start, calls attempted then, statuses expected]
    const schedule: Array<[number, number, number[]]> = [
      [0, 2, [200, 200]],
      [30_000, 5, [200, 200, 200, 429, 429]],
      [59_999, 1, [429]],
      [60_000, 5, [200, 200, 429, 429, 429]], // the two of t = 0 have left; the three of t = 30 s not
      [89_999, 1, [429]],
      [90_000, 5, [200, 200, 200, 429, 429]], // the three of t = 30 s have left
      [150_000, 6, [...OK5, 429]], // all have left
    ];
    const start = clock.now();
    const allowed: number[] = [];
    for (const [at, attempts, expected] of schedule) {
      clock.advance(start + at - clock.now());
      const seen = await statuses(attempts);
      expect({ at, seen }).toEqual({ at, seen: expected });
      for (const status of seen) if (status === 200) allowed.push(at);
    }
    for (const from of allowed) {
      expect(allowed.filter((at) => at >= from && at < from + 60_000).length).toBeLessThanOrEqual(5);
    }
  });

  it('a call counts for 60 s; Retry-After, when asked for, says when the oldest one leaves', async () => {
    hss.emulator.setFaults({ quotaPerMinute: 1, quotaRetryAfter: true });
    expect((await get()).statusCode).toBe(200);
    clock.advance(45_000);
    const refused = await get();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('15');
    await refused.body.dump();
    clock.advance(15_000);
    expect((await get()).statusCode).toBe(200);
  });

  it('quotaPerMinute: 0 turns it off', async () => {
    const unlimited = await perTest.emulator({ now: clock.now, quotaPerMinute: 0 });
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      const answer = await request(`${unlimited.url}${STATISTICS}`, {
        headers: { 'x-auth-token': 'user-1' },
      });
      await answer.body.dump();
      seen.push(answer.statusCode);
    }
    expect(seen).toEqual(Array(20).fill(200));
    const settings = await request(`${unlimited.url}/__emulator/faults`);
    expect(await settings.body.json()).toEqual({ next: [], quotaPerMinute: 0 });
    // ...and setFaults turns it on again at run time.
    unlimited.emulator.setFaults({ quotaPerMinute: 1 });
    const after = [];
    for (let i = 0; i < 2; i++) {
      const answer = await request(`${unlimited.url}${STATISTICS}`, {
        headers: { 'x-auth-token': 'user-1' },
      });
      await answer.body.dump();
      after.push(answer.statusCode);
    }
    expect(after).toEqual([200, 429]);
  });

  it('setFaults({ quotaPerMinute }) overrides the default, and GET /__emulator/faults reports the quota in force', async () => {
    const reported = async () =>
      ((await (await admin('GET')).body.json()) as { quotaPerMinute?: number }).quotaPerMinute;
    expect(await reported()).toBe(5);
    hss.emulator.setFaults({ quotaPerMinute: 2 });
    expect(await reported()).toBe(2);
    expect(await statuses(3)).toEqual([200, 200, 429]);
    hss.emulator.setFaults({ quotaPerMinute: 8 });
    expect(await reported()).toBe(8);
    expect(await statuses(9)).toEqual([...OK5, 200, 200, 200, 429]);
    hss.emulator.setFaults({ quotaPerMinute: 0 });
    expect(await reported()).toBe(0);
    expect(await statuses(12)).toEqual(Array(12).fill(200));
    hss.emulator.setFaults({}); // unset: the emulator's own setting again
    expect(await reported()).toBe(5);
    expect(await statuses(6)).toEqual([...OK5, 429]);
  });
});

describe('the admin endpoint', () => {
  it('PUT sets faults, GET shows them, DELETE turns them off', async () => {
    const put = await admin('PUT', { latencyMs: 0, next: ['status-502'], quotaPerMinute: 3 });
    expect(put.statusCode).toBe(200);
    await put.body.dump();
    expect(await (await admin('GET')).body.json()).toEqual({
      latencyMs: 0,
      next: ['status-502'],
      quotaPerMinute: 3,
    });
    expect((await get()).statusCode).toBe(502);
    await (await admin('DELETE')).body.dump();
    // Faults off; the flow control is the emulator's own again (5 a minute, as HSS).
    expect(await (await admin('GET')).body.json()).toEqual({ next: [], quotaPerMinute: 5 });
    expect((await get()).statusCode).toBe(200);
  });

  it('refuses settings it does not understand, naming the problem, and keeps the old ones', async () => {
    hss.emulator.setFaults({ quotaPerMinute: 2 });
    const bad = await admin('PUT', { rates: { 'status-999': 1 } });
    expect(bad.statusCode).toBe(400);
    expect(((await bad.body.json()) as { error: string }).error).toMatch(/^rates/);
    expect(await (await admin('GET')).body.json()).toMatchObject({ quotaPerMinute: 2 });
  });
});
