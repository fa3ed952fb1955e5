/**
 * Company sign-in (OIDC): a bearer JWT verified against the issuer's keys, an access policy that
 * says what each principal may read (default deny), HSS called as the service identity. The
 * emulator plays the identity provider: its discovery document, its JWKS, tokens for its users.
 * Every refusal comes before any HSS call, and says which check failed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-sse';
import { request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import type { RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const fixtures = useFixtures({ closeAfter: 'each' });
const COUNT =
  'query ($p: ID, $eps: String) { portStatistics(projectId: $p, filter: { enterpriseProjectId: $eps }) { totalCount } }';

const POLICY = {
  grants: [
    { when: { groups: 'hss-admins' }, read: { '*': ['*'] } },
    { when: { groups: ['team-production'] }, read: { p: ['ep-production'] } },
    { when: { 'realm.roles': 'auditor', email_verified: true }, read: { q: ['0'] } },
  ],
};

function policyFile(policy: unknown = POLICY): string {
  const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'access-policy.json');
  writeFileSync(file, typeof policy === 'string' ? policy : JSON.stringify(policy));
  return file;
}

/** A token of the emulator's identity provider for one of its users. */
async function signIn(hss: RunningEmulator, asked: Record<string, unknown>): Promise<string> {
  const response = await request(`${hss.url}/__emulator/sign-in`, {
    method: 'POST',
    body: JSON.stringify(asked),
  });
  expect(response.statusCode).toBe(200);
  return ((await response.body.json()) as { access_token: string }).access_token;
}

const hssCalls = (hss: RunningEmulator) => hss.received.filter((r) => r.path.startsWith('/v5/'));

async function rig(env: Record<string, string> = {}, clock?: ManualClock) {
  const hss = await fixtures.emulator({
    acceptAnyToken: false,
    tokens: ['service-token'],
    signInUsers: [
      { name: 'alice', groups: ['hss-admins'] },
      { name: 'bob', groups: ['team-production'] },
      { name: 'carol', groups: [] },
    ],
    ...(clock && { now: clock.now }),
  });
  const gw = await fixtures.gateway(
    hss,
    {
      HSS_AUTH_TOKEN: 'service-token',
      OIDC_ISSUER: hss.url,
      OIDC_AUDIENCE: 'hss-gateway',
      ACCESS_POLICY_FILE: policyFile(),
      ...env,
    },
    clock ? { now: clock.now } : {},
  );
  const as = (token: string, variables: Record<string, unknown> = {}) =>
    gw.graphql(COUNT, variables, { authorization: `Bearer ${token}` });
  return { hss, gw, as };
}

const refusal = (answer: Awaited<ReturnType<RunningGateway['graphql']>>) => answer.body.errors?.[0];

describe('a signed-in caller', () => {
  it('reads what the policy grants, as the service identity; anonymous callers are refused', async () => {
    const { hss, gw, as } = await rig();
    const alice = await signIn(hss, { user: 'alice' });
    const answer = await as(alice);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.portStatistics.totalCount).toBeGreaterThan(0);
    expect(hssCalls(hss).length).toBeGreaterThan(0);
    expect(hss.received.filter((r) => r.path === '/.well-known/jwks.json')).toHaveLength(1);
    const anonymous = await gw.graphql(COUNT);
    expect(refusal(anonymous)?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'NO_CREDENTIALS' });
    expect(refusal(anonymous)?.message).toContain('Authorization: Bearer <your sign-in token>');
  });

  it('is refused, before any call, what no grant gives it (default deny), and says why', async () => {
    const { hss, as } = await rig();
    const carol = await signIn(hss, { user: 'carol' });
    const bob = await signIn(hss, { user: 'bob' });
    const nothing = refusal(await as(carol));
    expect(nothing?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'POLICY' });
    expect(nothing?.message).toContain('no grant of the access policy matches your sign-in token');
    // bob: production of project p only.
    expect((await as(bob, { eps: 'ep-production' })).body.errors).toBeUndefined();
    const calls = hssCalls(hss).length;
    expect(refusal(await as(bob))?.message).toContain('project p (its default enterprise project, 0)');
    expect(refusal(await as(bob, { eps: 'all_granted_eps' }))?.message).toContain(
      'all_granted_eps needs a grant of every enterprise project',
    );
    expect(refusal(await as(bob, { p: 'q', eps: 'ep-production' }))?.extensions?.code).toBe('FORBIDDEN');
    expect(hssCalls(hss)).toHaveLength(calls);
  });

  it('a grant can name nested claims, and several at once: all must match', async () => {
    const { hss, as } = await rig();
    const auditor = await signIn(hss, {
      user: 'carol',
      claims: { realm: { roles: ['auditor'] }, email_verified: true },
    });
    const unverified = await signIn(hss, { user: 'carol', claims: { realm: { roles: ['auditor'] } } });
    expect((await as(auditor, { p: 'q' })).body.errors).toBeUndefined();
    expect(refusal(await as(auditor, { p: 'q', eps: 'ep-staging' }))?.extensions?.code).toBe('FORBIDDEN');
    expect(refusal(await as(unverified, { p: 'q' }))?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('a sign-in token is refused, saying which check failed', () => {
  it.each([
    ['expired', { user: 'alice', lifetimeSeconds: -120 }, 'EXPIRED'],
    ['for another audience', { user: 'alice', audience: 'another-app' }, 'AUDIENCE'],
  ])('%s', async (_, asked, reason) => {
    const { hss, as } = await rig();
    const token = await signIn(hss, asked);
    expect(refusal(await as(token))?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason });
    expect(hssCalls(hss)).toHaveLength(0);
  });

  it('signed by another issuer, or tampered with', async () => {
    const { hss, as } = await rig();
    const stranger = await fixtures.emulator();
    const foreign = await signIn(stranger, { user: 'alice' });
    expect(refusal(await as(foreign))?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'SIGNATURE' });
    const [header, payload, signature] = (await signIn(hss, { user: 'carol' })).split('.');
    const claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, groups: ['hss-admins'] })).toString('base64url');
    expect(refusal(await as(`${header}.${forged}.${signature}`))?.extensions).toEqual({
      code: 'UNAUTHENTICATED',
      reason: 'SIGNATURE',
    });
    expect(hssCalls(hss)).toHaveLength(0);
  });

  it('a live list ends when its sign-in token expires, whatever the cache still holds', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const { hss, gw } = await rig({ LIVE_TICK_SECONDS: '1', CACHE_TTL_SECONDS: '3600' }, clock);
    const token = await signIn(hss, { user: 'alice', lifetimeSeconds: 600 });
    const sse = createClient({
      url: `${gw.url}/graphql`,
      headers: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    const events: { errors?: readonly { extensions?: Record<string, unknown> }[] }[] = [];
    let first: () => void = () => undefined;
    const firstEvent = new Promise<void>((resolve) => {
      first = resolve;
    });
    const ended = new Promise<void>((resolve, reject) => {
      sse.subscribe(
        { query: 'subscription { portStatistics(first: 3) { totalCount } }' },
        {
          next: (event) => {
            events.push(event as (typeof events)[number]);
            first();
          },
          error: reject,
          complete: resolve,
        },
      );
    });
    await firstEvent;
    expect(events[0]?.errors).toBeUndefined();
    // Past the token's expiry (and the clock skew allowed), well within the cache's hour.
    clock.advance(20 * 60_000);
    await ended;
    sse.dispose();
    expect(events.at(-1)?.errors?.[0]?.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      reason: 'EXPIRED',
    });
  });

  it('expired by less than the clock skew still passes; past it, not', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const { hss, as } = await rig({ OIDC_CLOCK_SKEW_SECONDS: '30' }, clock);
    const token = await signIn(hss, { user: 'alice', lifetimeSeconds: 60 });
    clock.advance(80_000);
    expect((await as(token)).body.errors).toBeUndefined();
    clock.advance(20_000);
    expect(refusal(await as(token))?.extensions).toEqual({ code: 'UNAUTHENTICATED', reason: 'EXPIRED' });
  });
});

describe('the issuer`s keys', () => {
  it('found through discovery, and fetched again when the issuer rotates its key', async () => {
    // No cooldown between two fetches of the keys: the rotation comes at once here.
    const { hss, as } = await rig({ OIDC_JWKS_COOLDOWN_SECONDS: '0' });
    expect((await as(await signIn(hss, { user: 'alice' }))).body.errors).toBeUndefined();
    const rotated = await request(`${hss.url}/__emulator/signing-key/rotate`, { method: 'POST' });
    await rotated.body.dump();
    const withNewKey = await signIn(hss, { user: 'alice', groups: ['hss-admins'] });
    expect((await as(withNewKey, { eps: 'ep-staging' })).body.errors).toBeUndefined();
    expect(hss.received.filter((r) => r.path === '/.well-known/openid-configuration')).toHaveLength(1);
    expect(hss.received.filter((r) => r.path === '/.well-known/jwks.json')).toHaveLength(2);
  });

  it('unreachable: UPSTREAM_UNAVAILABLE, and no call', async () => {
    const { hss, as } = await rig({ OIDC_JWKS_URL: 'http://127.0.0.1:9/jwks.json' });
    const answer = await as(await signIn(hss, { user: 'alice' }));
    expect(refusal(answer)?.extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', reason: 'JWKS_UNAVAILABLE' });
    expect(hssCalls(hss)).toHaveLength(0);
  });
});

describe('the access policy file', () => {
  it.each([
    ['not JSON', '{ grants: ', 'ACCESS_POLICY_FILE: is not JSON'],
    ['a grant without `read`', { grants: [{ when: { sub: 'x' } }] }, 'ACCESS_POLICY_FILE: grants.0.read'],
    ['an unknown key', { grants: [], extra: true }, 'ACCESS_POLICY_FILE: (the file): Unrecognized key'],
  ])('%s stops the start, naming the problem', async (_, policy, line) => {
    const hss = await fixtures.emulator();
    await expect(
      fixtures.gateway(hss, {
        OIDC_ISSUER: hss.url,
        OIDC_AUDIENCE: 'hss-gateway',
        ACCESS_POLICY_FILE: policyFile(policy),
      }),
    ).rejects.toThrow(line);
  });
});

describe('the embedded demo (OIDC_ISSUER=embedded)', () => {
  it('the emulator signs users in; its demo policy lets alice read all and bob production only', async () => {
    const gw = await fixtures.gateway(undefined, { OIDC_ISSUER: 'embedded', EMULATOR_QUOTA_PER_MINUTE: '0' });
    const emulatorUrl = String(gw.gateway.emulator?.url);
    const token = async (user: string) => {
      const response = await request(`${emulatorUrl}/__emulator/sign-in`, {
        method: 'POST',
        body: JSON.stringify({ user }),
      });
      return ((await response.body.json()) as { access_token: string }).access_token;
    };
    const as = async (user: string, eps?: string) =>
      gw.graphql(COUNT, { eps }, { authorization: `Bearer ${await token(user)}` });
    expect((await as('alice')).body.errors).toBeUndefined();
    expect((await as('bob', 'ep-production')).body.errors).toBeUndefined();
    expect(refusal(await as('bob'))?.extensions?.code).toBe('FORBIDDEN');
    expect(refusal(await as('carol'))?.extensions?.code).toBe('FORBIDDEN');
    expect(refusal(await gw.graphql(COUNT))?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('whole answers kept for one sign-in', () => {
  it('are not given to another token of the same subject that the policy grants less', async () => {
    const { hss, as } = await rig();
    const admin = await signIn(hss, { user: 'bob', groups: ['hss-admins'] });
    const plain = await signIn(hss, { user: 'bob' });
    expect((await as(admin)).body.errors).toBeUndefined();
    expect((await as(admin)).body.errors).toBeUndefined(); // kept whole by now
    expect(refusal(await as(plain))?.extensions).toEqual({ code: 'FORBIDDEN', reason: 'POLICY' });
  });
});

describe('an identity provider whose keys cannot be fetched', () => {
  it('is UPSTREAM_UNAVAILABLE (not a bad token), logged, and not asked again within the cooldown', async () => {
    let keys = 0;
    const provider = await fixtures.scripted(() => {
      keys++;
      return { status: 503, body: { error: 'down' } };
    });
    const { hss, gw, as } = await rig({
      OIDC_JWKS_URL: `${provider.url}/jwks.json`,
      OIDC_JWKS_COOLDOWN_SECONDS: '60',
    });
    const token = await signIn(hss, { user: 'alice' });
    expect(refusal(await as(token))?.extensions).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      reason: 'JWKS_UNAVAILABLE',
    });
    expect(refusal(await as(`${token}x`))?.extensions).toEqual({
      code: 'UPSTREAM_UNAVAILABLE',
      reason: 'JWKS_UNAVAILABLE',
    });
    expect(keys).toBe(1);
    expect(
      gw.logs.entries().filter((e) => e.msg === 'the identity provider`s keys could not be fetched'),
    ).toHaveLength(1);
  });
});
