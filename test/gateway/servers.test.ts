/**
 * The drill-down: from a statistics row to the servers with that port open (HSS ListPortHost), in
 * one operation, with the economy, limits and errors the statistics have.
 */
import { encodeGlobalID } from '@pothos/plugin-relay';
import { encodePortServerKey } from '../../src/port-servers/node-id.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { useGatewayOnEmulator } from '../helpers/gateway-on-emulator.js';

// The subject is the drill-down, not HSS's flow control: the file makes more than 5 ListPortHost (and
// ListPortStatistics) calls a minute from 127.0.0.1, so the rig's emulator has its quota off.
const rig = useGatewayOnEmulator({}, { quotaPerMinute: 0 });
const perTest = useFixtures({ closeAfter: 'each' });

const detailCalls = (from: number) =>
  rig.hss.received.slice(from).filter((r) => r.path.endsWith('/asset/ports/detail'));
const code = (answer: Awaited<ReturnType<RunningGateway['graphql']>>) =>
  answer.body.errors?.[0]?.extensions?.code;

describe('PortStatistic.servers', () => {
  it('lists exactly `num` servers for each TCP/UDP row, in the row`s scope', async () => {
    const answer = await rig.gw.graphql(`{
      portStatistics(filter: { category: HOST, status: DANGER, type: TCP }, first: 3) {
        nodes { port type num servers(first: 100) { totalCount nodes { id port type hostName hostIp listenAddress listensOnAllInterfaces processPath pid status containerId service { name } } } }
      }
    }`);
    expect(answer.body.errors).toBeUndefined();
    const rows = answer.body.data.portStatistics.nodes;
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row.servers.totalCount).toBe(row.num);
      expect(row.servers.nodes).toHaveLength(row.num);
      for (const server of row.servers.nodes) {
        expect(server).toMatchObject({ port: row.port, type: 'TCP', status: 'DANGER', containerId: null });
        expect(typeof server.hostName).toBe('string');
        expect(server.listensOnAllInterfaces).toBe(
          server.listenAddress === '0.0.0.0' || server.listenAddress === '::',
        );
      }
    }
  });

  it('asks HSS for TCP for a TCP6 row, with the scope`s category and enterprise project', async () => {
    const before = rig.hss.received.length;
    const answer = await rig.gw.graphql(`{
      portStatistics(filter: { category: CONTAINER, enterpriseProjectId: "ep-production", type: TCP6 }, first: 1) {
        nodes { port servers { totalCount } }
      }
    }`);
    expect(answer.body.errors).toBeUndefined();
    const port = answer.body.data.portStatistics.nodes[0]?.port;
    expect(detailCalls(before).map((c) => c.query)).toEqual([
      `category=container&enterprise_project_id=ep-production&limit=200&port=${port}&type=TCP`,
    ]);
  });

  it('identical servers lists in one operation cost one upstream call', async () => {
    const before = rig.hss.received.length;
    const answer = await rig.gw.graphql(`{
      a: portServers(port: 22, type: TCP) { totalCount }
      b: portServers(port: 22, type: TCP) { nodes { hostName } }
      portStatistics(filter: { port: 22, type: TCP, category: HOST }) { nodes { servers { totalCount } } }
    }`);
    expect(answer.body.errors).toBeUndefined();
    expect(detailCalls(before)).toHaveLength(1);
  });
});

describe('portServers', () => {
  it('filters by host name and IP, and pages with first/after', async () => {
    const all = (await rig.gw.graphql('{ portServers(port: 22) { totalCount nodes { hostName hostIp } } }'))
      .body.data.portServers;
    expect(all.totalCount).toBeGreaterThan(2);
    const name = all.nodes[0].hostName as string;
    const before = rig.hss.received.length;
    const filtered = await rig.gw.graphql(
      'query ($n: String) { portServers(port: 22, filter: { hostName: $n }, first: 1) { totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }',
      { n: name },
    );
    expect(detailCalls(before)[0]?.query).toBe(
      `category=host&host_name=${encodeURIComponent(name)}&limit=200&port=22`,
    );
    expect(filtered.body.data.portServers.edges).toHaveLength(1);
    // Both pages are cut from the same block of 200 servers: each request asks for that block.
    const beforePage1 = rig.hss.received.length;
    const page1 = await rig.gw.graphql(
      '{ portServers(port: 22, first: 2) { nodes { hostIp } pageInfo { endCursor } } }',
    );
    const after = page1.body.data.portServers.pageInfo.endCursor;
    const page2 = await rig.gw.graphql(
      `{ portServers(port: 22, first: 2, after: "${after}") { nodes { hostIp } } }`,
    );
    expect(detailCalls(beforePage1).map((c) => c.query)).toEqual([
      'category=host&limit=200&port=22',
      'category=host&limit=200&port=22',
    ]);
    expect(page2.body.data.portServers.nodes.map((n: { hostIp: string }) => n.hostIp)).toEqual(
      all.nodes.slice(2, 4).map((n: { hostIp: string }) => n.hostIp),
    );
  });

  it.each([
    ['port: 0', 'port must be between 1 and 65535; got 0.'],
    ['port: 22, first: 1001', 'first must be between 0 and 1000; got 1001.'],
    ['port: 22, filter: { hostName: "" }', 'filter.hostName must be 1 to 256 characters long'],
    ['port: 22, enterpriseProjectId: ""', 'enterpriseProjectId must be 1 to 256 characters long'],
    ['port: 22, projectId: ".."', 'projectId must be 1 to 256 letters'],
    ['port: 22, after: "nope"', 'after is not a cursor this API issued'],
  ])('%s is BAD_USER_INPUT, and nothing is sent', async (args, message) => {
    const before = rig.hss.received.length;
    const answer = await rig.gw.graphql(`{ portServers(${args}) { totalCount } }`);
    expect(code(answer)).toBe('BAD_USER_INPUT');
    expect(answer.body.errors?.[0]?.message).toContain(message);
    expect(rig.hss.received.length).toBe(before);
  });
});

describe('the cost limit', () => {
  it('prices servers under a list per row: first: 50 costs 1 + 50 and is refused, saying how to ask', async () => {
    const before = rig.hss.received.length;
    const answer = await rig.gw.graphql(
      '{ portStatistics(first: 50) { nodes { port servers { totalCount } } } }',
    );
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]?.extensions).toMatchObject({ limit: 'cost', cost: 51, maxCost: 25 });
    expect(answer.body.errors?.[0]?.message).toContain('portServers');
    expect(rig.hss.received.length).toBe(before);
    expect(
      (await rig.gw.graphql('{ portStatistics(first: 5) { nodes { servers { totalCount } } } }')).status,
    ).toBe(200);
  });

  it('fields that call nothing upstream cost nothing, __typename included', async () => {
    const small = await perTest.gateway(rig.hss, { MAX_OPERATION_COST: '1' });
    const answer = await small.graphql(
      '{ portStatistics(first: 200) { __typename nodes { __typename port service { name } } pageInfo { __typename hasNextPage } } }',
    );
    expect(answer.body.errors).toBeUndefined();
  });
});

describe('lookups by id', () => {
  it('node(id:) finds a server again; _entities too', async () => {
    const listed = (
      await rig.gw.graphql('{ portServers(port: 22, first: 3) { nodes { id hostName processPath } } }')
    ).body.data.portServers.nodes;
    const node = await rig.gw.graphql(
      `{ node(id: "${listed[1].id}") { id ... on PortServer { hostName processPath } } }`,
    );
    expect(node.body.data.node).toEqual(listed[1]);
    const entities = await rig.gw.graphql(
      'query ($r: [_Any!]!) { _entities(representations: $r) { ... on PortServer { id hostName } } }',
      { r: listed.map((s: { id: string }) => ({ __typename: 'PortServer', id: s.id })) },
    );
    expect(entities.body.data._entities.map((s: { id: string }) => s.id)).toEqual(
      listed.map((s: { id: string }) => s.id),
    );
  });

  it('a server that is gone is null', async () => {
    const gone = encodeGlobalID(
      'PortServer',
      encodePortServerKey({
        scope: { projectId: 'p', category: 'HOST' },
        port: 22,
        type: 'TCP',
        hostId: 'no-such-host',
        hostIp: null,
        containerId: null,
      }),
    );
    const answer = await rig.gw.graphql(`{ node(id: "${gone}") { id } }`);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.node).toBeNull();
  });
});

describe('errors and budgets, as for the statistics', () => {
  it('HSS refusing ListPortHost is FORBIDDEN with extensions.upstream', async () => {
    const upstream = await perTest.scripted(() => ({
      status: 403,
      headers: { 'x-request-id': 'r-403' },
      body: { error_code: 'HSS.0013', error_msg: 'no' },
    }));
    const other = await perTest.gateway(upstream);
    const answer = await other.graphql('{ portServers(port: 22) { totalCount } }');
    expect(answer.body.errors?.[0]?.extensions).toEqual({
      code: 'FORBIDDEN',
      upstream: { status: 403, errorCode: 'HSS.0013', requestId: 'r-403' },
    });
    expect(upstream.received[0]?.url).toBe('/v5/p/asset/ports/detail?category=host&limit=200&port=22');
  });

  it('each API has its own budget, as HSS counts its quota per API', async () => {
    const budgeted = await perTest.gateway(rig.hss, { HSS_RATE_LIMIT_PER_MINUTE: '1' });
    expect((await budgeted.graphql('{ portStatistics { totalCount } }')).body.errors).toBeUndefined();
    expect((await budgeted.graphql('{ portServers(port: 22) { totalCount } }')).body.errors).toBeUndefined();
    expect(code(await budgeted.graphql('{ portServers(port: 23) { totalCount } }'))).toBe('RATE_LIMITED');
    const limits = await budgeted.graphql(
      '{ s: rateLimit { remaining } h: rateLimit(api: LIST_PORT_HOST) { remaining } }',
    );
    expect(limits.body.data).toEqual({ s: { remaining: 0 }, h: { remaining: 0 } });
  });
});
