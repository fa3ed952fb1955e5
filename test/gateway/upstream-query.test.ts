/**
 * Each GraphQL argument becomes exactly the REST call of the mapping table in docs/upstream.md: the emulator
 * reports the path and query string that arrived.
 */

import { DEMO_PROJECT_ID } from '../../src/config.js';
import { portStatisticsPath } from '../../src/upstream/query-string.js';
import { useFixtures } from '../helpers/fixtures.js';
import { useGatewayOnEmulator } from '../helpers/gateway-on-emulator.js';

const perTest = useFixtures({ closeAfter: 'each' });

// The subject is how arguments map to the query string, not HSS's flow control: the file makes far
// more than 5 ListPortStatistics calls a minute from 127.0.0.1, so the emulator's quota is off.
const rig = useGatewayOnEmulator(
  { HSS_PROJECT_ID: 'project-1', HSS_AUTH_TOKEN: 'static-token' },
  { quotaPerMinute: 0 },
);

/** Runs `portStatistics(<args>)` and answers the upstream requests it made, in order. */
async function upstreamCallsFor(args: string) {
  const before = rig.hss.received.length;
  const answer = await rig.gw.graphql(
    `{ portStatistics${args ? `(${args})` : ''} { totalCount nodes { port } } }`,
  );
  expect(answer.body.errors).toBeUndefined();
  return rig.hss.received.slice(before);
}

/** Runs `portStatistics(<args>)` and answers the one upstream request it made. */
async function upstreamCallFor(args: string) {
  const calls = await upstreamCallsFor(args);
  expect(calls).toHaveLength(1);
  return calls[0];
}

describe('mapping GraphQL arguments to the upstream call', () => {
  it('no arguments: the configured project, and no query parameter but the block size', async () => {
    expect(await upstreamCallFor('')).toMatchObject({
      method: 'GET',
      path: '/v5/project-1/asset/port/statistics',
      query: 'limit=200',
    });
  });

  // Every call asks for a block of 200 rows at an offset that is a multiple of 200 (omitted when
  // 0): a smaller window or a later offset is cut from the block holding it.
  it.each([
    ['projectId: "other-project"', 'limit=200', '/v5/other-project/asset/port/statistics'],
    [
      'filter: { enterpriseProjectId: "all_granted_eps" }',
      'enterprise_project_id=all_granted_eps&limit=200',
      undefined,
    ],
    ['filter: { category: HOST }', 'category=host&limit=200', undefined],
    ['filter: { category: CONTAINER }', 'category=container&limit=200', undefined],
    ['filter: { port: 443 }', 'limit=200&port=443', undefined],
    ['filter: { portString: "80" }', 'limit=200&port_string=80', undefined],
    ['filter: { type: TCP }', 'limit=200&type=TCP', undefined],
    ['filter: { type: TCP6 }', 'limit=200&type=TCP6', undefined],
    ['filter: { type: UDP }', 'limit=200&type=UDP', undefined],
    ['filter: { type: UDP6 }', 'limit=200&type=UDP6', undefined],
    ['filter: { status: DANGER }', 'limit=200&status=danger', undefined],
    ['filter: { status: NORMAL }', 'limit=200&status=normal', undefined],
    ['filter: { status: UNKNOWN }', 'limit=200&status=unknown', undefined],
    ['orderBy: { field: PORT, direction: ASC }', 'limit=200&sort_dir=asc&sort_key=port', undefined],
    ['orderBy: { direction: DESC }', 'limit=200&sort_dir=desc&sort_key=port', undefined],
    ['orderBy: {}', 'limit=200&sort_dir=asc&sort_key=port', undefined],
    ['page: { first: 25 }', 'limit=200', undefined],
    ['page: { first: 3 }', 'limit=200', undefined],
    ['page: { first: 0 }', 'limit=200', undefined],
    ['page: { first: 200 }', 'limit=200', undefined],
    ['page: { offset: 30 }', 'limit=200', undefined],
    ['page: { offset: 0 }', 'limit=200', undefined],
    ['page: { first: 20, offset: 40 }', 'limit=200', undefined],
    ['page: { first: 10, offset: 190 }', 'limit=200', undefined],
    ['page: { offset: 200 }', 'limit=200&offset=200', undefined],
    ['page: { offset: 230 }', 'limit=200&offset=200', undefined],
    ['page: { first: 5, offset: 395 }', 'limit=200&offset=200', undefined],
    ['page: { first: 20, offset: 400 }', 'limit=200&offset=400', undefined],
    ['page: { offset: 1999999 }', 'limit=200&offset=1999800', undefined],
  ])('%s -> ?%s', async (args, query, path) => {
    const call = await upstreamCallFor(args);
    expect(call?.query).toBe(query);
    if (path) expect(call?.path).toBe(path);
  });

  it('all filters at once, in one query string with nothing extra', async () => {
    const call = await upstreamCallFor(
      'filter: { enterpriseProjectId: "ep-production", category: HOST, port: 22, portString: "2", type: TCP, status: NORMAL }, ' +
        'orderBy: { direction: DESC }, page: { first: 50, offset: 210 }',
    );
    expect(call?.query).toBe(
      'category=host&enterprise_project_id=ep-production&limit=200&offset=200&port=22&port_string=2&sort_dir=desc&sort_key=port&status=normal&type=TCP',
    );
  });

  it('page.after is sent as the block holding the row after the cursor', async () => {
    // The project's default scope holds 226 rows: the cursor of row 199 ends the first block.
    const first = await rig.gw.graphql('{ portStatistics(page: { first: 200 }) { pageInfo { endCursor } } }');
    const after = first.body.data.portStatistics.pageInfo.endCursor as string;
    expect(Buffer.from(after, 'base64').toString()).toBe('OffsetConnection:199');
    expect((await upstreamCallFor(`page: { first: 5, after: "${after}" }`))?.query).toBe(
      'limit=200&offset=200',
    );
  });

  it('a window crossing a multiple of 200 asks two blocks, the second only where the total says rows are', async () => {
    // 226 rows: rows 190..209 are in blocks 0 and 200.
    expect((await upstreamCallsFor('page: { first: 20, offset: 190 }')).map((c) => c.query)).toEqual([
      'limit=200',
      'limit=200&offset=200',
    ]);
    // 120 host rows: the first block's total_num says block 200 is empty, so it is not asked for.
    expect(
      (await upstreamCallsFor('filter: { category: HOST }, page: { first: 20, offset: 190 }')).map(
        (c) => c.query,
      ),
    ).toEqual(['category=host&limit=200']);
  });

  it('escapes a project id as a path segment, whatever got past validation', async () => {
    const call = await upstreamCallFor('projectId: "Ab-9_z"');
    expect(call?.path).toBe('/v5/Ab-9_z/asset/port/statistics');
    expect(portStatisticsPath('a b/c..')).toBe('/v5/a%20b%2Fc../asset/port/statistics');
  });

  it('escapes an enterprise project id with odd characters, spaces as %20', async () => {
    const call = await upstreamCallFor('filter: { enterpriseProjectId: "a b&c=d~" }');
    expect(call?.query).toBe('enterprise_project_id=a%20b%26c%3Dd~&limit=200');
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
