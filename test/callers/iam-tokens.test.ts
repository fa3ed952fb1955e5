/**
 * Callers' IAM tokens, passed through: IAM vouches for each before its first HSS call (IAM's
 * "Verifying a Token", the token in both headers), the answer is kept until the token expires and
 * asked again every IAM_TOKEN_RECHECK_SECONDS; a token of another project is refused at once; an
 * expired or revoked token gets nothing from any cache, ever; and users entitled to one scope share
 * its read once HSS has answered one call of their own.
 */
import { Agent, request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import { iamLogin, type RunningEmulator } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';

const fixtures = useFixtures({ closeAfter: 'each' });
const ALICE = { domainName: 'acme', username: 'alice', password: 'password-SECRET-a' };
const BOB = { domainName: 'acme', username: 'bob', password: 'password-SECRET-b' };
// HSS lets this one read the production enterprise project only.
const ERIN = {
  domainName: 'acme',
  username: 'erin',
  password: 'password-SECRET-e',
  enterpriseProjects: ['ep-production'],
};
const DASHBOARD =
  'query ($eps: String) { all: portStatistics(filter: { enterpriseProjectId: $eps }) { totalCount } dangerous: portStatistics(filter: { status: DANGER, enterpriseProjectId: $eps }) { totalCount } }';

async function rig(
  env: Record<string, string> = {},
  clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z')),
) {
  const hss = await fixtures.emulator({
    acceptAnyToken: false,
    iamUsers: [ALICE, BOB, ERIN],
    now: clock.now,
  });
  // No service identity: every caller brings a token.
  const gw = await fixtures.gateway(
    undefined,
    { HSS_ENDPOINT: hss.url, HSS_PROJECT_ID: 'p', CACHE_TTL_SECONDS: '60', ...env },
    { now: clock.now },
  );
  const tokenOf = async (user: typeof ALICE, projectId = 'p') =>
    (await iamLogin(hss.url, user, projectId)).token as string;
  const as = (token: string, eps?: string) => gw.graphql(DASHBOARD, { eps }, { 'x-auth-token': token });
  return { hss, gw, clock, tokenOf, as };
}

const calls = (hss: RunningEmulator) => hss.received.filter((r) => r.path.startsWith('/v5/')).length;
const verifications = (hss: RunningEmulator) =>
  hss.received.filter((r) => r.path === '/v3/auth/tokens' && r.method === 'GET').length;
const refusal = (answer: Awaited<ReturnType<RunningGateway['graphql']>>) =>
  answer.body.errors?.[0]?.extensions;

describe('an IAM token', () => {
  it('is verified with IAM before its first HSS call, once, and again after IAM_TOKEN_RECHECK_SECONDS', async () => {
    const { hss, clock, tokenOf, as } = await rig({ IAM_TOKEN_RECHECK_SECONDS: '300' });
    const token = await tokenOf(ALICE);
    expect((await as(token)).body.errors).toBeUndefined();
    expect(hss.received.find((r) => r.path.startsWith('/v5/') || r.method === 'GET')?.path).toBe(
      '/v3/auth/tokens',
    );
    expect((await as(token)).body.errors).toBeUndefined();
    expect(verifications(hss)).toBe(1);
    clock.advance(301_000);
    expect((await as(token)).body.errors).toBeUndefined();
    expect(verifications(hss)).toBe(2);
  });

  it('revoked: refused once IAM is asked again, and from then on nothing, from any cache', async () => {
    const { hss, clock, tokenOf, as } = await rig({ IAM_TOKEN_RECHECK_SECONDS: '60' });
    const token = await tokenOf(ALICE);
    expect((await as(token)).body.errors).toBeUndefined();
    const revoked = await request(`${hss.url}/v3/auth/tokens`, {
      method: 'DELETE',
      headers: { 'x-auth-token': token, 'x-subject-token': token },
    });
    await revoked.body.dump();
    clock.advance(61_000);
    expect(refusal(await as(token))).toEqual({ code: 'UNAUTHENTICATED', reason: 'INVALID_TOKEN' });
    clock.advance(10 * 60_000);
    expect(refusal(await as(token))).toEqual({ code: 'UNAUTHENTICATED', reason: 'INVALID_TOKEN' });
    expect(verifications(hss)).toBe(2);
  });

  it('expired: from its expires_at on, nothing from any cache, however long after', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const hss = await fixtures.emulator({
      acceptAnyToken: false,
      iamUsers: [ALICE],
      now: clock.now,
      tokenLifetimeMs: 120_000,
    });
    const gw = await fixtures.gateway(
      undefined,
      { HSS_ENDPOINT: hss.url, HSS_PROJECT_ID: 'p', CACHE_TTL_SECONDS: '600' },
      { now: clock.now },
    );
    const token = (await iamLogin(hss.url, ALICE, 'p')).token as string;
    const as = () => gw.graphql(DASHBOARD, {}, { 'x-auth-token': token });
    expect((await as()).body.errors).toBeUndefined();
    const before = calls(hss);
    clock.advance(121_000); // the rows it read are fresh in the cache for ten minutes more
    expect(refusal(await as())).toEqual({ code: 'UNAUTHENTICATED', reason: 'EXPIRED' });
    clock.advance(240_000);
    const later = await as();
    expect(later.body.data).toEqual({ all: null, dangerous: null });
    expect(calls(hss)).toBe(before);
  });

  it('of another project is refused at once, before any call', async () => {
    const { hss, tokenOf, gw } = await rig();
    const token = await tokenOf(ALICE, 'q');
    const answer = await gw.graphql(
      '{ portStatistics(projectId: "p") { totalCount } }',
      {},
      { 'x-auth-token': token },
    );
    expect(refusal(answer)).toEqual({ code: 'FORBIDDEN', reason: 'PROJECT' });
    expect(answer.body.errors?.[0]?.message).toContain('scoped to project q');
    expect(calls(hss)).toBe(0);
  });
});

describe('users with their own tokens share one read', () => {
  it('a second user proves the scope with one call of its own, then reads the snapshot the first made', async () => {
    const { hss, tokenOf, as } = await rig();
    expect((await as(await tokenOf(ALICE))).body.errors).toBeUndefined();
    const afterAlice = calls(hss);
    const bob = await tokenOf(BOB);
    const first = await as(bob);
    expect(first.body.errors).toBeUndefined();
    expect(calls(hss)).toBe(afterAlice + 1);
    expect((await as(bob)).body.extensions?.cost).toMatchObject({ upstreamCalls: 0 });
    expect(calls(hss)).toBe(afterAlice + 1);
  });

  it('a scope HSS refuses a user is refused again without a call, and the others still read it', async () => {
    const { hss, tokenOf, as } = await rig();
    expect((await as(await tokenOf(ALICE))).body.errors).toBeUndefined();
    const erin = await tokenOf(ERIN);
    const refused = await as(erin);
    expect(refusal(refused)).toMatchObject({ code: 'FORBIDDEN', upstream: { status: 403 } });
    const before = calls(hss);
    expect(refusal(await as(erin))).toMatchObject({ code: 'FORBIDDEN', reason: 'NOT_ENTITLED' });
    expect(calls(hss)).toBe(before);
    // Her own enterprise project she reads.
    expect((await as(erin, 'ep-production')).body.errors).toBeUndefined();
  });
});

describe('first verifications are rationed per client address', () => {
  it('IAM_VERIFY_CALLS_PER_CLIENT_ADDRESS: the fourth new token from one address waits; another address does not', async () => {
    const { hss, tokenOf, gw } = await rig({ IAM_VERIFY_CALLS_PER_CLIENT_ADDRESS: '3' });
    const good = await tokenOf(ALICE);
    for (let i = 0; i < 3; i++) await gw.graphql(DASHBOARD, {}, { 'x-auth-token': `made-up-${i}` });
    const fourth = await gw.graphql(DASHBOARD, {}, { 'x-auth-token': good });
    expect(refusal(fourth)).toMatchObject({
      code: 'RATE_LIMITED',
      reason: 'IAM_VERIFICATIONS',
      api: 'KeystoneValidateToken',
      budget: 'unproven',
    });
    const elsewhere = new Agent({ localAddress: '127.0.0.2' });
    try {
      const response = await request(`${gw.url}/graphql`, {
        method: 'POST',
        dispatcher: elsewhere,
        headers: { 'content-type': 'application/json', 'x-auth-token': good },
        body: JSON.stringify({ query: DASHBOARD }),
      });
      const body = (await response.body.json()) as { errors?: unknown[] };
      expect(body.errors).toBeUndefined();
    } finally {
      await elsewhere.close();
    }
    expect(calls(hss)).toBeGreaterThan(0);
  });
});

describe('whose tokens the gateway serves (IAM_TOKEN_PROJECTS, IAM_TOKEN_DOMAINS)', () => {
  it('by default its own project`s only: any Huawei Cloud user can get a token of their own', async () => {
    const { hss, tokenOf, gw } = await rig({ IAM_TOKEN_PROJECTS: '' });
    const stranger = await tokenOf(ALICE, 'strangers-project');
    const answer = await gw.graphql(
      '{ portStatistics(projectId: "strangers-project") { totalCount } }',
      {},
      { 'x-auth-token': stranger },
    );
    expect(refusal(answer)).toEqual({ code: 'FORBIDDEN', reason: 'PROJECT' });
    expect(answer.body.errors?.[0]?.message).toContain('serves IAM tokens of project p only');
    expect(calls(hss)).toBe(0);
    expect(
      (await gw.graphql(DASHBOARD, {}, { 'x-auth-token': await tokenOf(ALICE) })).body.errors,
    ).toBeUndefined();
  });

  it('IAM_TOKEN_DOMAINS: users of other accounts are refused, before any HSS call', async () => {
    const { hss, tokenOf, as } = await rig({ IAM_TOKEN_DOMAINS: 'another-account' });
    expect(refusal(await as(await tokenOf(ALICE)))).toEqual({ code: 'FORBIDDEN', reason: 'ACCOUNT' });
    expect(calls(hss)).toBe(0);
  });
});

describe('whole answers kept for one token', () => {
  it('are not given to another token of the same user, scoped to another project', async () => {
    const { tokenOf, gw } = await rig({ IAM_TOKEN_PROJECTS: '*' });
    const query = '{ portStatistics(projectId: "p") { totalCount } }';
    const inP = await tokenOf(ALICE, 'p');
    const elsewhere = await tokenOf(ALICE, 'q');
    expect((await gw.graphql(query, {}, { 'x-auth-token': inP })).body.errors).toBeUndefined();
    expect((await gw.graphql(query, {}, { 'x-auth-token': inP })).body.errors).toBeUndefined();
    const other = await gw.graphql(query, {}, { 'x-auth-token': elsewhere });
    expect(refusal(other)).toEqual({
      code: 'FORBIDDEN',
      reason: 'PROJECT',
    });
  });
});
