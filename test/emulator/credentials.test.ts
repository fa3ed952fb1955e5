/**
 * The emulator checks every credential for real: tokens from its IAM (with expiry), static tokens,
 * and AK/SK signatures recomputed from the request it received, with the clock-skew rule and the
 * lockout after repeated failures.
 */
import { request } from 'undici';
import { signRequest } from '../../src/credentials/aksk-signer.js';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { type IamUser, iamLogin } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';

const KEYS = { accessKey: 'EMULATORTESTAK01', secretKey: 'emulator-test-secret-key-SECRET' };
const TEMP_KEYS = {
  accessKey: 'EMULATORTEMPAK02',
  secretKey: 'temp-secret-SECRET',
  securityToken: 'sts-token-SECRET',
};
const USER = { domainName: 'acme', username: 'dashboard-bot', password: 'correct-horse-SECRET' };
const PATH = '/v5/proj-1/asset/port/statistics';

const perTest = useFixtures({ closeAfter: 'each' });
let clock: ManualClock;
let hss: RunningEmulator;
beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-27T12:00:00Z'));
  hss = await perTest.emulator({
    acceptAnyToken: false,
    tokens: ['static-SECRET'],
    accessKeys: [KEYS, TEMP_KEYS],
    iamUsers: [USER],
    tokenLifetimeMs: 60_000,
    now: clock.now,
  });
});

async function get(target: string, headers: Record<string, string>) {
  const response = await request(`${hss.url}${target}`, { headers });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

/** Signs as the gateway does, with the emulator's host, at the given time. */
function signed(
  target: string,
  keys: typeof KEYS | typeof TEMP_KEYS = KEYS,
  at = clock.now(),
  extra: Record<string, string> = {},
) {
  const [path = '', query = ''] = target.split('?');
  const params = query
    ? query.split('&').map((p) => p.split('=').map(decodeURIComponent) as [string, string])
    : [];
  const headers = { host: new URL(hss.url).host, 'x-project-id': 'proj-1', ...extra };
  return { ...headers, ...signRequest({ method: 'GET', path, query: params, headers }, keys, new Date(at)) };
}

const login = (user: IamUser = USER, projectId = 'proj-1') => iamLogin(hss.url, user, projectId);

describe('IAM tokens', () => {
  it('POST /v3/auth/tokens issues a project-scoped token in X-Subject-Token with its expiry', async () => {
    const answer = await login();
    expect(answer.status).toBe(201);
    expect(answer.token?.length).toBeGreaterThan(3000); // real tokens are several KB
    expect(answer.body.token).toMatchObject({
      expires_at: new Date(clock.now() + 60_000).toISOString(),
      methods: ['password'],
      project: { id: 'proj-1' },
      user: { name: 'dashboard-bot', domain: { name: 'acme' } },
    });
  });

  it('a wrong password, user or domain answers 401 and issues nothing', async () => {
    for (const user of [
      { ...USER, password: 'wrong' },
      { ...USER, username: 'nobody' },
      { ...USER, domainName: 'other' },
    ]) {
      const answer = await login(user);
      expect(answer.status).toBe(401);
      expect(answer.token).toBeUndefined();
      expect(answer.body.error).toMatchObject({ code: 401, title: 'Unauthorized' });
    }
  });

  it('a request without a project scope answers 400', async () => {
    expect((await login(USER, '')).status).toBe(400);
  });

  it('HSS accepts an issued token until it expires, then answers 401 APIGW.0301', async () => {
    const { token = '' } = await login();
    expect((await get(PATH, { 'x-auth-token': token })).status).toBe(200);
    clock.advance(59_999);
    expect((await get(PATH, { 'x-auth-token': token })).status).toBe(200);
    clock.advance(1);
    const expired = await get(PATH, { 'x-auth-token': token });
    expect(expired).toMatchObject({
      status: 401,
      body: { error_code: 'APIGW.0301', error_msg: expect.stringContaining('expires') },
    });
  });

  it('unknown tokens answer 401; configured static tokens are accepted', async () => {
    expect((await get(PATH, { 'x-auth-token': 'MIInever-issued' })).status).toBe(401);
    expect((await get(PATH, { 'x-auth-token': 'static-SECRET' })).status).toBe(200);
  });
});

describe('AK/SK signatures', () => {
  it('a correctly signed request is answered', async () => {
    const target = `${PATH}?category=host&enterprise_project_id=a%20b~%C3%A9&limit=20`;
    expect((await get(target, signed(target))).status).toBe(200);
  });

  it('a signature made with another secret key answers 401 APIGW.0301', async () => {
    const answer = await get(PATH, signed(PATH, { ...KEYS, secretKey: 'wrong' }));
    expect(answer).toMatchObject({
      status: 401,
      body: { error_code: 'APIGW.0301', error_msg: expect.stringContaining('signature') },
    });
  });

  it('a request changed after signing (query, path or a signed header) answers 401', async () => {
    const headers = signed(`${PATH}?limit=20`);
    expect((await get(`${PATH}?limit=30`, headers)).status).toBe(401);
    expect((await get('/v5/proj-2/asset/port/statistics?limit=20', headers)).status).toBe(401);
    expect((await get(`${PATH}?limit=20`, { ...headers, 'x-project-id': 'proj-2' })).status).toBe(401);
    expect((await get(`${PATH}?limit=20`, headers)).status).toBe(200);
  });

  it('an unknown access key answers 401', async () => {
    expect((await get(PATH, signed(PATH, { ...KEYS, accessKey: 'UNKNOWNAK' }))).status).toBe(401);
  });

  it('X-Sdk-Date more than 15 minutes off answers 401 APIGW.0303, either way', async () => {
    for (const offset of [15 * 60_000 + 1000, -(15 * 60_000 + 1000)]) {
      const answer = await get(PATH, signed(PATH, KEYS, clock.now() + offset));
      expect(answer).toMatchObject({ status: 401, body: { error_code: 'APIGW.0303' } });
    }
    expect((await get(PATH, signed(PATH, KEYS, clock.now() + 14 * 60_000))).status).toBe(200);
  });

  it('a temporary key needs its signed X-Security-Token', async () => {
    expect((await get(PATH, signed(PATH, TEMP_KEYS))).status).toBe(200);
    const { accessKey, secretKey } = TEMP_KEYS;
    expect(
      (await get(PATH, signed(PATH, { accessKey, secretKey, securityToken: 'other' } as typeof TEMP_KEYS)))
        .status,
    ).toBe(401);
  });

  it('five consecutive signature failures lock the key, even for a good signature, until the lock expires', async () => {
    for (let i = 0; i < 5; i++)
      expect((await get(PATH, signed(PATH, { ...KEYS, secretKey: 'wrong' }))).status).toBe(401);
    const locked = await get(PATH, signed(PATH));
    expect(locked).toMatchObject({ status: 401, body: { error_msg: expect.stringContaining('locked') } });
    clock.advance(5 * 60_000);
    expect((await get(PATH, signed(PATH))).status).toBe(200);
  });

  it('a success resets the count of consecutive failures', async () => {
    for (let i = 0; i < 4; i++) await get(PATH, signed(PATH, { ...KEYS, secretKey: 'wrong' }));
    expect((await get(PATH, signed(PATH))).status).toBe(200);
    await get(PATH, signed(PATH, { ...KEYS, secretKey: 'wrong' }));
    expect((await get(PATH, signed(PATH))).status).toBe(200);
  });

  it('a malformed Authorization header answers 401', async () => {
    expect((await get(PATH, { authorization: 'SDK-HMAC-SHA256 garbage' })).status).toBe(401);
  });
});
