/**
 * Nobody can open the circuit or spend quota with garbage: malformed project ids and tokens are
 * refused before any call, a request the gateway could not form never counts against HSS, one
 * project's failures do not block the others, a token IAM does not vouch for costs no HSS call and
 * its verification is not asked again, made-up tokens buy a bounded number of IAM verifications, and
 * a deployment can insist on callers' tokens.
 */
import { request } from 'undici';
import { LIST_PORT_STATISTICS } from '../../src/upstream/hss-apis.js';
import { ManualClock } from '../helpers/clock.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { pageAnswer } from '../helpers/scripted-upstream.js';

const perTest = useFixtures({ closeAfter: 'each' });
afterEach(() => jest.useRealTimers());

async function rig(env: Record<string, string> = {}, emulator = {}, clock?: ManualClock) {
  const hss = await perTest.emulator(emulator);
  const gw = await perTest.gateway(hss, { HSS_RETRY_MAX: '0', ...env }, { now: clock?.now });
  const calls = () => hss.received.filter((r) => r.path.startsWith('/v5/')).length;
  return { hss, gw, calls };
}

const COUNT = 'query ($projectId: ID) { portStatistics(projectId: $projectId) { totalCount } }';
const code = (answer: Awaited<ReturnType<RunningGateway['graphql']>>) =>
  answer.body.errors?.[0]?.extensions?.code;

describe('project ids', () => {
  it.each(['.', '..', '€', 'a\nb', 'a/b', 'a b', '%2e%2e', 'x'.repeat(257), ''])(
    '%j is BAD_USER_INPUT, and nothing is sent',
    async (projectId) => {
      const { gw, calls } = await rig();
      const answer = await gw.graphql(COUNT, { projectId });
      expect(code(answer)).toBe('BAD_USER_INPUT');
      expect(answer.body.errors?.[0]?.message).toContain('projectId');
      expect(calls()).toBe(0);
    },
  );

  it('letters, digits, - and _ up to 256 characters are a project id', async () => {
    const { gw, hss } = await rig();
    const projectId = `Ab-9_${'x'.repeat(251)}`;
    expect((await gw.graphql(COUNT, { projectId })).body.errors).toBeUndefined();
    expect(hss.received[0]?.path).toBe(`/v5/${projectId}/asset/port/statistics`);
  });
});

describe('caller tokens', () => {
  it.each([
    ['a space inside', 'tok en'],
    ['a non-ASCII character', 'tok\u00e9n'],
  ])('one with %s is UNAUTHENTICATED, and nothing is sent', async (_label, token) => {
    const { gw, calls } = await rig();
    const answer = await gw.graphql(COUNT, {}, { 'x-auth-token': token });
    expect(code(answer)).toBe('UNAUTHENTICATED');
    expect(calls()).toBe(0);
  });
});

describe('a request the gateway could not form', () => {
  it('fails as UPSTREAM_UNAVAILABLE (not-sent) and never opens the circuit', async () => {
    const { gw, calls } = await rig({ HSS_CIRCUIT_FAILURES: '2' });
    const { blocks } = gw.gateway.quota;
    const credentials = { kind: 'token' as const, token: 'bad\nheader', source: 'static' as const };
    for (let i = 0; i < 4; i++) {
      const load = blocks.block(
        {
          api: LIST_PORT_STATISTICS,
          credentials,
          identity: 'token:bad',
          reader: 'shared',
          principal: 'anonymous',
          mustProve: false,
          projectId: 'p',
          parameters: [['port', String(i + 1)]],
        },
        { logger: gw.logs.logger, operationName: null },
      );
      await expect(load).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', failure: 'not-sent' });
    }
    expect(calls()).toBe(0);
    expect(gw.gateway.quota.resilience.circuitState).toBe('closed');
    expect((await gw.graphql(COUNT)).body.errors).toBeUndefined();
  });
});

describe('the circuit is per project', () => {
  it('one project failing does not block another; /ready stays 200 even when every circuit is open', async () => {
    new ManualClock(Date.parse('2026-11-27T12:00:00Z'), { alsoDate: true }); // the circuit reads Date
    let failing = new Set(['broken']);
    const upstream = await perTest.scripted((req) =>
      failing.has(req.url.split('/')[2] ?? '')
        ? { status: 503, body: { error_code: 'APIGW.0201', error_msg: 'down' } }
        : pageAnswer(1, [{ port: 22, type: 'TCP', num: 1, status: 'normal' }]),
    );
    const gw = await perTest.gateway(upstream, {
      HSS_PROJECT_ID: 'healthy',
      HSS_RETRY_MAX: '0',
      HSS_CIRCUIT_FAILURES: '2',
    });
    const ready = async () => (await request(`${gw.url}/ready`)).statusCode;
    const count = (projectId: string, port: number) =>
      gw.graphql(
        'query ($p: ID, $port: Int) { portStatistics(projectId: $p, filter: { port: $port }) { totalCount } }',
        {
          p: projectId,
          port,
        },
      );
    await count('broken', 1);
    await count('broken', 2);
    const sent = upstream.received.length;
    expect((await count('broken', 3)).body.errors?.[0]?.message).toContain('circuit open');
    expect(upstream.received).toHaveLength(sent); // failed fast
    expect((await count('healthy', 1)).body.errors).toBeUndefined();
    expect(await ready()).toBe(200);
    failing = new Set(['broken', 'healthy']);
    await count('healthy', 2);
    await count('healthy', 3);
    expect(gw.gateway.quota.resilience.circuitState).toBe('open');
    // Every circuit open is said, not acted on: stored answers can still be served.
    expect(await ready()).toBe(200);
  });
});

describe('a token IAM does not vouch for', () => {
  it('costs no HSS call, and is refused again without asking IAM', async () => {
    const { hss, gw, calls } = await rig({}, { acceptAnyToken: false, tokens: ['good'] });
    const verifications = () => hss.received.filter((r) => r.path === '/v3/auth/tokens').length;
    const as = (token: string, port: number) =>
      gw.graphql(
        `{ portStatistics(filter: { port: ${port} }) { totalCount } }`,
        {},
        { 'x-auth-token': token },
      );
    expect(code(await as('made-up', 1))).toBe('UNAUTHENTICATED');
    expect(code(await as('made-up', 2))).toBe('UNAUTHENTICATED');
    expect(calls()).toBe(0);
    expect(verifications()).toBe(1);
    expect((await as('good', 3)).body.errors).toBeUndefined();
    expect(calls()).toBe(1);
  });
});

describe('made-up tokens', () => {
  it('cost no HSS call; their verifications are rationed (IAM_VERIFY_CALLS_PER_MINUTE), tokens already verified are not', async () => {
    const { hss, gw, calls } = await rig(
      { IAM_VERIFY_CALLS_PER_MINUTE: '3' },
      { acceptAnyToken: false, tokens: ['good'] },
    );
    expect((await gw.graphql(COUNT, {}, { 'x-auth-token': 'good' })).body.errors).toBeUndefined();
    const codes = [];
    for (let i = 0; i < 10; i++)
      codes.push(code(await gw.graphql(COUNT, {}, { 'x-auth-token': `random-${i}` })));
    // The verification of 'good' was a first one too: 3 in all, then none.
    expect(hss.received.filter((r) => r.path === '/v3/auth/tokens')).toHaveLength(3);
    expect(codes.filter((c) => c === 'UNAUTHENTICATED')).toHaveLength(2);
    expect(codes.filter((c) => c === 'RATE_LIMITED')).toHaveLength(8);
    expect(calls()).toBe(1);
    const verified = await gw.graphql(
      '{ portStatistics(filter: { port: 9 }) { totalCount } }',
      {},
      { 'x-auth-token': 'good' },
    );
    expect(verified.body.errors).toBeUndefined();
  });
});

describe('HSS_REQUIRE_CALLER_TOKEN=true', () => {
  it('a request without a token is UNAUTHENTICATED instead of running as the service identity', async () => {
    const { gw, calls } = await rig({ HSS_REQUIRE_CALLER_TOKEN: 'true' });
    const answer = await gw.graphql(COUNT);
    expect(code(answer)).toBe('UNAUTHENTICATED');
    expect(answer.body.errors?.[0]?.message).toContain('HSS_REQUIRE_CALLER_TOKEN');
    expect(calls()).toBe(0);
    expect((await gw.graphql(COUNT, {}, { authorization: 'Bearer mine' })).body.errors).toBeUndefined();
    expect(calls()).toBe(1);
  });
});
