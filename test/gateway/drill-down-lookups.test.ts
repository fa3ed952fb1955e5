/**
 * A drill-down click costs no statistics call: `node(id:)` of a row a list just showed comes from
 * the snapshot of its table, or, for a table too large for one, from the page that listed it.
 */
import { useFixtures } from '../helpers/fixtures.js';

const perTest = useFixtures({ closeAfter: 'each' });
const LIST =
  '{ portStatistics(filter: { category: HOST, status: DANGER }, first: 3) { nodes { id port type num } } }';
const NODE = 'query($id: ID!) { node(id: $id) { ... on PortStatistic { id port type num } } }';

describe.each([
  { estate: 'a table a snapshot holds (120 rows)', rows: 120 },
  { estate: 'a table too large for a snapshot (5,000 rows)', rows: 5000 },
])('$estate', ({ rows }) => {
  it('node(id:) of a row just listed costs no ListPortStatistics call, and is that row', async () => {
    const hss = await perTest.emulator({ rowsPerScope: rows });
    const gw = await perTest.gateway(hss, { CACHE_TTL_SECONDS: '60' });
    const listed = (await gw.graphql(LIST)).body.data.portStatistics.nodes;
    const statistics = () => hss.received.filter((r) => r.path.endsWith('/statistics')).length;
    const before = statistics();
    for (const row of listed) {
      const answer = await gw.graphql(NODE, { id: row.id });
      expect(answer.body.data.node).toEqual(row);
      expect(answer.body.extensions?.cost).toMatchObject({ upstreamCalls: 0 });
    }
    expect(statistics()).toBe(before);
  });
});

it('a row not listed lately is looked up with one call for exactly its port and protocol', async () => {
  const hss = await perTest.emulator({ rowsPerScope: 5000 });
  const gw = await perTest.gateway(hss, { CACHE_TTL_SECONDS: '60' });
  const listed = (await gw.graphql(LIST)).body.data.portStatistics.nodes;
  // The same row's id, asked of a second gateway that listed nothing.
  const other = await perTest.gateway(hss, { CACHE_TTL_SECONDS: '60' });
  const answer = await other.graphql(NODE, { id: listed[0].id });
  expect(answer.body.data.node).toEqual(listed[0]);
  expect(hss.received.at(-1)?.query).toBe(
    `category=host&limit=200&port=${listed[0].port}&type=${listed[0].type}`,
  );
});
