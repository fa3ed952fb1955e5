/** The emulator misbehaves exactly as asked: each fault on the wire, the quota, the admin endpoint. */
import { request } from 'undici';
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
      }
      return statuses;
    };
    const first = await run();
    expect(first).toContain(503);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });
});

describe("HSS's flow control", () => {
  it('5 calls per minute per credential, then 429 APIGW.0308 without Retry-After', async () => {
    hss.emulator.setFaults({ quotaPerMinute: 5 });
    for (let i = 0; i < 5; i++) expect((await get()).statusCode).toBe(200);
    const refused = await get();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(((await refused.body.json()) as { error_code: string }).error_code).toBe('APIGW.0308');
    expect((await get('user-2')).statusCode).toBe(200);
  });

  it('the window resets a minute after its first call; Retry-After when asked for', async () => {
    hss.emulator.setFaults({ quotaPerMinute: 1, quotaRetryAfter: true });
    expect((await get()).statusCode).toBe(200);
    clock.advance(45_000);
    const refused = await get();
    expect(refused.headers['retry-after']).toBe('15');
    clock.advance(15_000);
    expect((await get()).statusCode).toBe(200);
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
    expect(await (await admin('GET')).body.json()).toEqual({ next: [] });
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
