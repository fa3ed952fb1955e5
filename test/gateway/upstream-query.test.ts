/**
 * Each GraphQL argument becomes exactly the REST call of the mapping table in docs/upstream.md: the emulator
 * reports the path and query string that arrived.
 */

import { DEMO_PROJECT_ID } from '../../src/config.js';
import { portStatisticsPath } from '../../src/upstream/query-string.js';
import { useFixtures } from '../helpers/fixtures.js';
import { useGatewayOnEmulator } from '../helpers/gateway-on-emulator.js';

const perTest = useFixtures({ closeAfter: 'each' });

const rig = useGatewayOnEmulator({ HSS_PROJECT_ID: 'project-1', HSS_AUTH_TOKEN: 'static-token' });

/** Runs `portStatistics(<args>)` and answers the one upstream request it made. */
async function upstreamCallFor(args: string) {
  const before = rig.hss.received.length;
  const answer = await rig.gw.graphql(
    `{ portStatistics${args ? `(${args})` : ''} { totalCount nodes { port } } }`,
  );
  expect(answer.body.errors).toBeUndefined();
  const calls = rig.hss.received.slice(before);
  expect(calls).toHaveLength(1);
  return calls[0];
}

describe('mapping GraphQL arguments to the upstream call', () => {
  it('no arguments: the configured project, and no query parameters at all', async () => {
    expect(await upstreamCallFor('')).toMatchObject({
      method: 'GET',
      path: '/v5/project-1/asset/port/statistics',
      query: '',
    });
  });

  it.each([
    ['projectId: "other-project"', '', '/v5/other-project/asset/port/statistics'],
    [
      'filter: { enterpriseProjectId: "all_granted_eps" }',
      'enterprise_project_id=all_granted_eps',
      undefined,
    ],
    ['filter: { category: HOST }', 'category=host', undefined],
    ['filter: { category: CONTAINER }', 'category=container', undefined],
    ['filter: { port: 443 }', 'port=443', undefined],
    ['filter: { portString: "80" }', 'port_string=80', undefined],
    ['filter: { type: TCP }', 'type=TCP', undefined],
    ['filter: { type: TCP6 }', 'type=TCP6', undefined],
    ['filter: { type: UDP }', 'type=UDP', undefined],
    ['filter: { type: UDP6 }', 'type=UDP6', undefined],
    ['filter: { status: DANGER }', 'status=danger', undefined],
    ['filter: { status: NORMAL }', 'status=normal', undefined],
    ['filter: { status: UNKNOWN }', 'status=unknown', undefined],
    ['orderBy: { field: PORT, direction: ASC }', 'sort_dir=asc&sort_key=port', undefined],
    ['orderBy: { direction: DESC }', 'sort_dir=desc&sort_key=port', undefined],
    ['orderBy: {}', 'sort_dir=asc&sort_key=port', undefined],
    ['page: { first: 25 }', 'limit=25', undefined],
    ['page: { first: 3 }', 'limit=10', undefined],
    ['page: { first: 0 }', 'limit=10', undefined],
    ['page: { first: 200 }', 'limit=200', undefined],
    ['page: { offset: 30 }', 'offset=30', undefined],
    ['page: { offset: 0 }', 'offset=0', undefined],
    ['page: { first: 20, offset: 40 }', 'limit=20&offset=40', undefined],
  ])('%s -> ?%s', async (args, query, path) => {
    const call = await upstreamCallFor(args);
    expect(call?.query).toBe(query);
    if (path) expect(call?.path).toBe(path);
  });

  it('all filters at once, in one query string with nothing extra', async () => {
    const call = await upstreamCallFor(
      'filter: { enterpriseProjectId: "ep-production", category: HOST, port: 22, portString: "2", type: TCP, status: NORMAL }, ' +
        'orderBy: { direction: DESC }, page: { first: 50, offset: 10 }',
    );
    expect(call?.query).toBe(
      'category=host&enterprise_project_id=ep-production&limit=50&offset=10&port=22&port_string=2&sort_dir=desc&sort_key=port&status=normal&type=TCP',
    );
  });

  it('page.after is sent as the offset of the row after the cursor', async () => {
    const first = await rig.gw.graphql('{ portStatistics(page: { first: 5 }) { pageInfo { endCursor } } }');
    const after = first.body.data.portStatistics.pageInfo.endCursor as string;
    expect((await upstreamCallFor(`page: { first: 5, after: "${after}" }`))?.query).toBe('limit=10&offset=5');
  });

  it('escapes a project id as a path segment, whatever got past validation', async () => {
    const call = await upstreamCallFor('projectId: "Ab-9_z"');
    expect(call?.path).toBe('/v5/Ab-9_z/asset/port/statistics');
    expect(portStatisticsPath('a b/c..')).toBe('/v5/a%20b%2Fc../asset/port/statistics');
  });

  it('escapes an enterprise project id with odd characters, spaces as %20', async () => {
    const call = await upstreamCallFor('filter: { enterpriseProjectId: "a b&c=d~" }');
    expect(call?.query).toBe('enterprise_project_id=a%20b%26c%3Dd~');
  });

  it('sends the static token as X-Auth-Token, or the caller`s own token instead', async () => {
    // The emulator records no headers; a strict emulator proves which token arrived.
    const strict = await perTest.emulator({ acceptAnyToken: false, tokens: ['caller-token'] });
    const strictGw = await perTest.gateway(strict, { HSS_AUTH_TOKEN: 'static-token' });
    const query = '{ portStatistics { totalCount } }';
    expect((await strictGw.graphql(query)).body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(
      (await strictGw.graphql(query, {}, { 'x-auth-token': 'caller-token' })).body.errors,
    ).toBeUndefined();
    expect(
      (await strictGw.graphql(query, {}, { authorization: 'Bearer caller-token' })).body.errors,
    ).toBeUndefined();
  });
});

describe('the embedded default', () => {
  it('with no configuration, the gateway starts its own emulator and serves the demo project', async () => {
    const embedded = await perTest.gateway(undefined); // exactly `npm start` with no configuration
    expect(embedded.gateway.emulator).toBeDefined();
    const answer = await embedded.graphql(
      '{ portStatistics(filter: { status: DANGER }) { totalCount nodes { status } } }',
    );
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.portStatistics.totalCount).toBeGreaterThan(0);
    expect(
      answer.body.data.portStatistics.nodes.every((n: { status: string }) => n.status === 'DANGER'),
    ).toBe(true);
    const started = embedded.logs.entries().find((e) => String(e.msg).includes('embedded HSS emulator'));
    expect(started).toMatchObject({ projectId: DEMO_PROJECT_ID, emulator: embedded.gateway.endpoint });
  });
});
