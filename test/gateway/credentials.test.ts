import { ConfigError } from '../../src/config.js';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { iamLogin } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';

const KEYS = { accessKey: 'GATEWAYTESTAK01', secretKey: 'gateway-test-sk-SECRET' };
const USER = { domainName: 'acme', username: 'dashboard-bot', password: 'gateway-test-password-SECRET' };
const IAM_ENV = {
  IAM_DOMAIN_NAME: USER.domainName,
  IAM_USERNAME: USER.username,
  IAM_PASSWORD: USER.password,
};
const QUERY = '{ portStatistics(page: { first: 1 }) { totalCount } }';

// No service identity unless a test configures one: that is what these tests are about.
const perTest = useFixtures({ closeAfter: 'each' });
let clock: ManualClock;
let hss: RunningEmulator;
/** An HSS (and IAM) that knows exactly these credentials. */
const KNOWN_CREDENTIALS = {
  acceptAnyToken: false,
  tokens: ['static-token-SECRET'],
  accessKeys: [KEYS, { accessKey: 'TEMPAK', secretKey: 'temp-sk-SECRET', securityToken: 'sts-SECRET' }],
  iamUsers: [USER],
  tokenLifetimeMs: 60 * 60_000,
  // HSS's quota is not this file's subject, and the single-flight test makes 100 calls in a minute.
  quotaPerMinute: 0,
};
beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-27T12:00:00Z'));
  hss = await perTest.emulator({ ...KNOWN_CREDENTIALS, now: clock.now });
});

const gateway = (env: Record<string, string>, now = clock.now) =>
  perTest.gateway(undefined, { HSS_ENDPOINT: hss.url, HSS_PROJECT_ID: 'proj-1', ...env }, { now });
const hssCalls = () => hss.received.filter((r) => r.path.startsWith('/v5/'));
const tokenCalls = () => hss.received.filter((r) => r.path === '/v3/auth/tokens');
const ok = (answer: { body: { data?: any; errors?: unknown } }) => {
  expect(answer.body.errors).toBeUndefined();
  expect(answer.body.data.portStatistics.totalCount).toBeGreaterThan(0);
};

describe('each credential source, end to end', () => {
  it("the caller's own token, passed through", async () => {
    const g = await gateway({});
    // A real token, as a frontend would have it: issued by the emulator's IAM.
    const token = (await iamLogin(hss.url, USER, 'proj-1')).token as string;
    ok(await g.graphql(QUERY, {}, { 'x-auth-token': token }));
    ok(await g.graphql(QUERY, {}, { authorization: `Bearer ${token}` }));
    // One IAM does not know is refused before HSS is asked anything.
    const calls = hss.received.filter((r) => r.path.startsWith('/v5/')).length;
    expect(
      (await g.graphql(QUERY, {}, { 'x-auth-token': 'not-a-token' })).body.errors?.[0]?.extensions,
    ).toEqual({ code: 'UNAUTHENTICATED', reason: 'INVALID_TOKEN' });
    expect(hss.received.filter((r) => r.path.startsWith('/v5/'))).toHaveLength(calls);
  });

  it('a static token (HSS_AUTH_TOKEN)', async () => {
    ok(await (await gateway({ HSS_AUTH_TOKEN: 'static-token-SECRET' })).graphql(QUERY));
  });

  it('AK/SK: every request is signed and verified', async () => {
    const g = await gateway({ HSS_ACCESS_KEY: KEYS.accessKey, HSS_SECRET_KEY: KEYS.secretKey });
    ok(await g.graphql(QUERY));
    // No rows in that enterprise project, but a 200: the signature over odd characters held.
    const odd = await g.graphql(
      '{ portStatistics(filter: { enterpriseProjectId: "a b~%é+&", category: HOST }) { totalCount } }',
    );
    expect(odd.body.errors).toBeUndefined();
    expect(hssCalls().map((c) => c.status)).toEqual([200, 200]);
  });

  it('temporary AK/SK with a security token', async () => {
    ok(
      await (
        await gateway({
          HSS_ACCESS_KEY: 'TEMPAK',
          HSS_SECRET_KEY: 'temp-sk-SECRET',
          HSS_SECURITY_TOKEN: 'sts-SECRET',
        })
      ).graphql(QUERY),
    );
  });

  it('an IAM password: one token call, then tokens are reused', async () => {
    const g = await gateway({ ...IAM_ENV, IAM_ENDPOINT: hss.url });
    ok(await g.graphql(QUERY));
    ok(await g.graphql('{ portStatistics(filter: { status: DANGER }) { totalCount } }'));
    expect(tokenCalls()).toHaveLength(1);
    expect(hssCalls()).toHaveLength(2);
  });

  it('IAM tokens are per project: another projectId gets its own token', async () => {
    const g = await gateway({ ...IAM_ENV, IAM_ENDPOINT: hss.url });
    ok(await g.graphql(QUERY));
    expect(
      (await g.graphql('{ portStatistics(projectId: "proj-2") { totalCount } }')).body.errors,
    ).toBeUndefined();
    expect(tokenCalls()).toHaveLength(2);
  });
});

describe('precedence and policy', () => {
  it("the caller's token wins over the service identity", async () => {
    const g = await gateway({ HSS_ACCESS_KEY: KEYS.accessKey, HSS_SECRET_KEY: 'wrong-sk' });
    expect((await g.graphql(QUERY)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    ok(await g.graphql(QUERY, {}, { authorization: 'Bearer static-token-SECRET' }));
  });

  it('several service identities at once: the gateway does not start, and nothing is sent', async () => {
    await expect(
      gateway({
        HSS_AUTH_TOKEN: 'static-token-SECRET',
        HSS_ACCESS_KEY: KEYS.accessKey,
        HSS_SECRET_KEY: 'wrong',
      }),
    ).rejects.toThrow(ConfigError);
    await expect(
      gateway({ HSS_ACCESS_KEY: KEYS.accessKey, HSS_SECRET_KEY: KEYS.secretKey, ...IAM_ENV }),
    ).rejects.toThrow(ConfigError);
    expect(hss.received).toHaveLength(0);
  });

  it('HSS_ALLOW_CALLER_TOKEN=false: the caller`s token is ignored, the service identity is used', async () => {
    const g = await gateway({
      HSS_ALLOW_CALLER_TOKEN: 'false',
      HSS_ACCESS_KEY: KEYS.accessKey,
      HSS_SECRET_KEY: KEYS.secretKey,
    });
    ok(await g.graphql(QUERY, {}, { 'x-auth-token': 'not-a-token' }));
  });

  it('no credentials at all: UNAUTHENTICATED and no upstream call', async () => {
    const g = await gateway({});
    const error = (await g.graphql(QUERY)).body.errors?.[0];
    expect(error?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(error?.message).toContain('send X-Auth-Token or Authorization: Bearer <token>');
    expect(hss.received).toHaveLength(0);
  });

  it('caller tokens off and no service identity: the gateway does not start', async () => {
    await expect(gateway({ HSS_ALLOW_CALLER_TOKEN: 'false' })).rejects.toThrow(ConfigError);
  });
});

describe('authentication failures are never retried', () => {
  it('a bad AK/SK costs exactly one upstream call per query', async () => {
    const g = await gateway({ HSS_ACCESS_KEY: KEYS.accessKey, HSS_SECRET_KEY: 'wrong' });
    const error = (await g.graphql(QUERY)).body.errors?.[0];
    expect(error?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      upstream: { status: 401, errorCode: 'APIGW.0301' },
    });
    expect(hssCalls()).toHaveLength(1);
  });

  it('a clock more than 15 minutes off shows as APIGW.0303', async () => {
    const skewed = new ManualClock(clock.now() - 20 * 60_000);
    const g = await gateway({ HSS_ACCESS_KEY: KEYS.accessKey, HSS_SECRET_KEY: KEYS.secretKey }, skewed.now);
    expect((await g.graphql(QUERY)).body.errors?.[0]?.extensions?.upstream?.errorCode).toBe('APIGW.0303');
  });

  it('a wrong IAM password: UNAUTHENTICATED, one token call, nothing sent to HSS', async () => {
    const g = await gateway({ ...IAM_ENV, IAM_PASSWORD: 'wrong', IAM_ENDPOINT: hss.url });
    const error = (await g.graphql(QUERY)).body.errors?.[0];
    expect(error).toMatchObject({
      message: 'IAM did not accept the credentials (401).',
      extensions: { code: 'UNAUTHENTICATED' },
    });
    expect(tokenCalls()).toHaveLength(1);
    expect(hssCalls()).toHaveLength(0);
  });
});

describe('IAM token lifetime', () => {
  it('renews the token shortly before expires_at, not after', async () => {
    const g = await gateway({ ...IAM_ENV, IAM_ENDPOINT: hss.url });
    ok(await g.graphql(QUERY));
    clock.advance(54 * 60_000); // 6 minutes left: still the first token
    ok(await g.graphql(QUERY));
    expect(tokenCalls()).toHaveLength(1);
    clock.advance(2 * 60_000); // 4 minutes left: inside the 5-minute renewal margin
    ok(await g.graphql(QUERY));
    expect(tokenCalls()).toHaveLength(2);
    expect(hssCalls().every((c) => c.status === 200)).toBe(true);
  });

  it('after expiry, a new token is obtained before the call', async () => {
    const g = await gateway({ ...IAM_ENV, IAM_ENDPOINT: hss.url });
    ok(await g.graphql(QUERY));
    clock.advance(2 * 60 * 60_000);
    ok(await g.graphql(QUERY));
    expect(tokenCalls()).toHaveLength(2);
    expect(hssCalls().map((c) => c.status)).toEqual([200, 200]);
  });

  it('single flight: a hundred concurrent requests cause one token call', async () => {
    const g = await gateway({ ...IAM_ENV, IAM_ENDPOINT: hss.url });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        g.graphql(`{ portStatistics(filter: { port: ${i + 1} }) { totalCount } }`),
      ),
    );
    for (const answer of answers) expect(answer.body.errors).toBeUndefined();
    expect(tokenCalls()).toHaveLength(1);
    expect(hssCalls()).toHaveLength(100);
  });

  it('a token HSS refuses is replaced once, and the query succeeds', async () => {
    // The gateway's clock runs behind HSS's: it believes its token valid when HSS says it expired.
    const behind = new ManualClock(clock.now());
    const g = await gateway({ ...IAM_ENV, IAM_ENDPOINT: hss.url }, behind.now);
    ok(await g.graphql(QUERY));
    clock.advance(2 * 60 * 60_000);
    ok(await g.graphql(QUERY));
    expect(tokenCalls()).toHaveLength(2);
    expect(hssCalls().map((c) => c.status)).toEqual([200, 401, 200]);
  });

  it('if the new token is refused too, the answer is UNAUTHENTICATED: one replacement, no more', async () => {
    const stale = await perTest.emulator({ acceptAnyToken: false, iamUsers: [USER], tokenLifetimeMs: 0 });
    const g = await perTest.gateway(undefined, {
      HSS_ENDPOINT: stale.url,
      HSS_PROJECT_ID: 'p',
      ...IAM_ENV,
      IAM_ENDPOINT: stale.url,
    });
    expect((await g.graphql(QUERY)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(stale.received.map((r) => `${r.path.startsWith('/v5') ? 'HSS' : 'IAM'} ${r.status}`)).toEqual([
      'IAM 201',
      'HSS 401',
      'IAM 201',
      'HSS 401',
    ]);
  });
});

describe('the embedded emulator', () => {
  it('verifies configured AK/SK and IAM users too, so both can be tried with no cloud account', async () => {
    const aksk = await perTest.gateway(undefined, {
      HSS_ACCESS_KEY: 'LOCALTRYAK',
      HSS_SECRET_KEY: 'local-try-SECRET',
    });
    ok(await aksk.graphql(QUERY));
    const iam = await perTest.gateway(undefined, IAM_ENV);
    ok(await iam.graphql(QUERY));
    expect(iam.logs.entries().filter((e) => e.msg === 'IAM token issued')).toHaveLength(1);
  });
});
