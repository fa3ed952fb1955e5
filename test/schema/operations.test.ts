/**
 * The example operations in schema/operations, run as a frontend runs them: through the typed
 * documents GraphQL Code Generator made from them, against the embedded demo data.
 */
import {
  DangerousPortsAndServersDocument,
  DangerousPortsDocument,
  DashboardDocument,
  PortStatisticByIdDocument,
  PortStatisticsPageDocument,
} from '../../schema/generated/graphql.js';
import { useDemoGateway } from '../helpers/fixtures.js';

const demo = useDemoGateway(); // the embedded demo, as `npm start` serves it

describe('the example operations, as typed documents', () => {
  it('DangerousPortsAndServers: each dangerous port with exactly `num` servers, 1 + 5 upstream calls', async () => {
    const { data, errors } = await demo.gw.execute(DangerousPortsAndServersDocument, {
      first: 5,
      serversPerPort: 100,
    });
    expect(errors).toBeUndefined();
    const rows = data?.portStatistics?.nodes ?? [];
    expect(rows).toHaveLength(5);
    for (const row of rows) {
      // HSS lists IPv6 sockets under TCP and UDP: a TCP6/UDP6 row's servers are those of TCP/UDP.
      if (row.type === 'TCP' || row.type === 'UDP') expect(row.servers?.totalCount).toBe(row.num);
      expect(row.servers?.nodes.every((s) => typeof s.hostName === 'string')).toBe(true);
    }
  });

  it('Dashboard: the summary, the dangerous ports and the first page, with service names', async () => {
    const { data, errors } = await demo.gw.execute(DashboardDocument, {});
    expect(errors).toBeUndefined();
    expect(data?.summary?.totalCount).toBeGreaterThan(data?.dangerous?.totalCount ?? 0);
    expect(data?.summary?.byStatus?.find((s) => s.status === 'DANGER')?.count).toBe(
      data?.dangerous?.totalCount,
    );
    expect(data?.dangerous?.nodes.every((n) => n.status === 'DANGER')).toBe(true);
    expect(data?.all?.nodes.find((n) => n.port === 22 && n.type === 'TCP')?.service?.name).toBe('ssh');
    expect(Date.parse(data?.summary?.fetchedAt ?? '')).not.toBeNaN();
  });

  it('PortStatisticsPage: two pages in a row, by cursor', async () => {
    const first = await demo.gw.execute(PortStatisticsPageDocument, {
      first: 5,
      filter: { category: 'HOST' },
    });
    const after = first.data?.portStatistics?.pageInfo.endCursor ?? undefined;
    const second = await demo.gw.execute(PortStatisticsPageDocument, {
      first: 5,
      after,
      filter: { category: 'HOST' },
    });
    expect(second.data?.portStatistics?.pageInfo.hasPreviousPage).toBe(true);
    const ids = [
      ...(first.data?.portStatistics?.edges ?? []),
      ...(second.data?.portStatistics?.edges ?? []),
    ].map((e) => e.node.id);
    expect(new Set(ids).size).toBe(10);
  });

  it('DangerousPorts: only dangerous ones, narrowed by protocol', async () => {
    const { data } = await demo.gw.execute(DangerousPortsDocument, { type: 'UDP' });
    expect(data?.portStatistics?.nodes.length).toBeGreaterThan(0);
    expect(data?.portStatistics?.nodes.every((n) => n.type === 'UDP' && n.status === 'DANGER')).toBe(true);
  });

  it('PortStatisticById: the same row again, by the id a list gave it', async () => {
    const list = await demo.gw.execute(DangerousPortsDocument, { first: 3 });
    const row = list.data?.portStatistics?.nodes[2];
    const { data } = await demo.gw.execute(PortStatisticByIdDocument, { id: row?.id ?? '' });
    expect(data?.node).toEqual(row);
  });
});
