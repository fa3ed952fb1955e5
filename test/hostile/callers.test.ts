/**
 * What one caller must never do to the gateway or to other callers: be answered from a cache after
 * HSS refused its token, crash a lookup with a forged id, lock every new caller out with made-up
 * tokens, or open the project's circuit for everyone with failures only its own requests see.
 */
import { Agent, request } from 'undici';
import { ManualClock } from '../helpers/clock.js';
import { iamLogin } from '../helpers/emulator.js';
import { useFixtures } from '../helpers/fixtures.js';
import { pageAnswer } from '../helpers/scripted-upstream.js';

const perTest = useFixtures({ closeAfter: 'each' });
const USER = { domainName: 'acme', username: 'alice', password: 'SECRET-password-1' };

/** A token from the emulator's IAM, as a caller would bring one. */
const tokenOf = async (iamUrl: string) => (await iamLogin(iamUrl, USER, 'p')).token as string;

describe('a token HSS refused gets nothing more, from any cache', () => {
  it('the very bytes it was answered before are not answered again from the response cache', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T09:00:00Z'));
    const hss = await perTest.emulator({
      acceptAnyToken: false,
      tokens: ['t'],
      iamUsers: [USER],
      tokenLifetimeMs: 30_000,
      now: clock.now,
    });
    const gw = await perTest.gateway(hss, { CACHE_TTL_SECONDS: '60' }, { now: clock.now });
    const token = await tokenOf(hss.url);
    const query = '{ portStatistics(first: 3) { totalCount nodes { port } } }';
    const first = await gw.graphql(query, {}, { 'x-auth-token': token });
    expect(first.body.errors).toBeUndefined();
    clock.advance(31_000); // the token has expired (or was revoked): HSS refuses it now
    const refused = await gw.graphql(
      '{ portStatistics(projectId: "q") { totalCount } }',
      {},
      { 'x-auth-token': token },
    );
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const again = await gw.graphql(query, {}, { 'x-auth-token': token });
    expect(again.body.data).toEqual({ portStatistics: null });
    expect(again.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('forged ids', () => {
  const lone = '\ud800';
  const statisticId = Buffer.from(
    `PortStatistic:${JSON.stringify([1, 'p', lone, null, 22, 'TCP'])}`,
  ).toString('base64');
  const serverId = Buffer.from(
    `PortServer:${JSON.stringify([1, 'p', null, 'HOST', 22, 'TCP', 'h-1', lone, null])}`,
  ).toString('base64');

  it.each([
    ['node, a PortStatistic id', '{ node(id: $id) { id } }', statisticId],
    ['node, a PortServer id', '{ node(id: $id) { id } }', serverId],
    ['nodes', '{ nodes(ids: [$id]) { id } }', statisticId],
    [
      '_entities',
      '{ _entities(representations: [{ __typename: "PortStatistic", id: $id }]) { ... on PortStatistic { port } } }',
      statisticId,
    ],
  ])(
    'with a lone surrogate inside, %s is BAD_USER_INPUT, before any call, with no error logged',
    async (_, body, id) => {
      const hss = await perTest.emulator();
      const gw = await perTest.gateway(hss);
      const answer = await gw.graphql(`query($id: ID!) ${body}`, { id });
      expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(hss.received).toEqual([]);
      expect(gw.logs.entries().filter((e) => (e.level as number) >= 50)).toEqual([]);
    },
  );
});

describe('malformed federation representations', () => {
  it.each([
    ['no id', '{ __typename: "PortStatistic" }'],
    ['a numeric id', '{ __typename: "PortStatistic", id: 42 }'],
    ['a null id', '{ __typename: "PortStatistic", id: null }'],
    ['an object id', '{ __typename: "PortServer", id: { port: 22 } }'],
  ])('%s is BAD_USER_INPUT for that entity alone, with no error logged', async (_, representation) => {
    const hss = await perTest.emulator();
    const gw = await perTest.gateway(hss);
    const good = Buffer.from(`PortStatistic:${JSON.stringify([1, 'p', null, null, 22, 'TCP'])}`).toString(
      'base64',
    );
    const answer = await gw.graphql(
      `{ _entities(representations: [${representation}, { __typename: "PortStatistic", id: "${good}" }]) { ... on PortStatistic { port } } }`,
    );
    expect(answer.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['_entities', 0], 'BAD_USER_INPUT'],
    ]);
    expect(answer.body.data._entities[1]).toEqual({ port: 22 });
    expect(gw.logs.entries().filter((e) => (e.level as number) >= 50)).toEqual([]);
  });
});

describe('made-up tokens', () => {
  it('sixty from one address do not lock a new caller at another address out', async () => {
    const hss = await perTest.emulator({ acceptAnyToken: false, tokens: ['good'] });
    // Against "real HSS" (an endpoint is configured): tokens HSS has not accepted yet are rationed.
    const gw = await perTest.gateway(undefined, { HSS_ENDPOINT: hss.url, HSS_PROJECT_ID: 'p' });
    const answers = [];
    for (let i = 0; i < 60; i++) {
      answers.push(
        await gw.graphql('{ portStatistics { totalCount } }', {}, { 'x-auth-token': `made-up-${i}` }),
      );
    }
    const codes = new Set(answers.map((a) => a.body.errors?.[0]?.extensions?.code));
    expect(codes).toEqual(new Set(['UNAUTHENTICATED', 'RATE_LIMITED']));
    // A caller with a good token, new to the gateway, from another address.
    const elsewhere = new Agent({ localAddress: '127.0.0.2' });
    try {
      const response = await request(`${gw.url}/graphql`, {
        method: 'POST',
        dispatcher: elsewhere,
        headers: { 'content-type': 'application/json', 'x-auth-token': 'good' },
        body: JSON.stringify({ query: '{ portStatistics { totalCount } }' }),
      });
      const body = (await response.body.json()) as {
        data?: { portStatistics: { totalCount: number } | null };
      };
      expect(body.data?.portStatistics?.totalCount).toBeGreaterThan(0);
    } finally {
      await elsewhere.close();
    }
  });
});

describe("one caller's failures stay theirs", () => {
  it('5xx only ever seen for one credential`s own enterprise project opens no circuit for others', async () => {
    const upstream = await perTest.scripted((req) =>
      req.url.includes('enterprise_project_id=broken')
        ? { status: 500, headers: {}, body: { error_code: 'HSS.1001', error_msg: 'internal error' } }
        : pageAnswer(7, []),
    );
    const gw = await perTest.gateway(upstream, { HSS_RETRY_MAX: '0', HSS_CIRCUIT_FAILURES: '3' });
    const query = (eps: string) =>
      `{ portStatistics(filter: { enterpriseProjectId: "${eps}" }) { totalCount } }`;
    for (let i = 0; i < 5; i++) await gw.graphql(query('broken'), {}, { 'x-auth-token': 'mallory' });
    const other = await gw.graphql(query('fine'), {}, { 'x-auth-token': 'alice' });
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.portStatistics.totalCount).toBe(7);
  });
});

describe('the service identity refused in one project', () => {
  it('is refused there for a minute, and still serves the gateway`s own project: anyone may ask for any project id', async () => {
    const upstream = await perTest.scripted((req) =>
      req.url.startsWith('/v5/someone-elses/')
        ? { status: 401, body: { error_code: 'APIGW.0301', error_msg: 'not this project' } }
        : pageAnswer(3, []),
    );
    const gw = await perTest.gateway(upstream, { HSS_RETRY_MAX: '0' });
    const count = (projectId: string, port: number) =>
      gw.graphql(`{ portStatistics(projectId: "${projectId}", filter: { port: ${port} }) { totalCount } }`);
    expect((await count('someone-elses', 1)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const asked = upstream.received.length;
    expect((await count('someone-elses', 2)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(upstream.received).toHaveLength(asked);
    const own = await count('p', 3);
    expect(own.body.errors).toBeUndefined();
    expect(own.body.data.portStatistics.totalCount).toBe(3);
  });
});
