/** `portStatistics` is a Relay connection over HSS's offset paging. */
import { useFixtures } from '../helpers/fixtures.js';
import { useGatewayOnEmulator } from '../helpers/gateway-on-emulator.js';
import { pageAnswer } from '../helpers/scripted-upstream.js';

const perTest = useFixtures({ closeAfter: 'each' });

// Hosts of the default enterprise project: 300 rows, so pages of 200 and a short last page exist.
const ROWS = 300;
const rig = useGatewayOnEmulator({ HSS_PROJECT_ID: 'paging', HSS_AUTH_TOKEN: 't' }, { rowsPerScope: ROWS });

const CONNECTION = `totalCount edges { cursor node { id port type } } nodes { id } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

async function page(pageArgs: string) {
  const before = rig.hss.received.length;
  const answer = await rig.gw.graphql(
    `{ portStatistics(filter: { category: HOST }, page: ${pageArgs}) { ${CONNECTION} } }`,
  );
  expect(answer.body.errors).toBeUndefined();
  return { connection: answer.body.data.portStatistics, calls: rig.hss.received.slice(before) };
}

let everything: { id: string; port: number; type: string }[];
beforeAll(async () => {
  // The whole list, straight from the emulator's REST answer, as the reference.
  const { connection } = await page('{ first: 1000 }');
  everything = connection.edges.map((e: { node: unknown }) => e.node);
});

describe('walking the list with cursors', () => {
  it('first, middle and last pages have the right rows and pageInfo', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { connection } = await page(after ? `{ first: 120, after: "${after}" }` : '{ first: 120 }');
      pages++;
      expect(connection.totalCount).toBe(ROWS);
      expect(connection.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(connection.pageInfo.startCursor).toBe(connection.edges[0].cursor);
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1).cursor);
      expect(connection.nodes.map((n: { id: string }) => n.id)).toEqual(
        connection.edges.map((e: { node: { id: string } }) => e.node.id),
      );
      seen.push(...connection.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(3); // 120 + 120 + 60
    expect(seen).toEqual(everything.map((n) => n.id));
  });

  it('cursors are opaque and unique', async () => {
    const { connection } = await page('{ first: 30 }');
    const cursors = connection.edges.map((e: { cursor: string }) => e.cursor);
    expect(new Set(cursors).size).toBe(30);
    for (const cursor of cursors) expect(cursor).not.toMatch(/^\d+$/);
  });

  it('offset is the same window as the cursor before it', async () => {
    const byOffset = await page('{ first: 10, offset: 50 }');
    const before = await page('{ first: 50 }');
    const byCursor = await page(`{ first: 10, after: "${before.connection.pageInfo.endCursor}" }`);
    expect(byOffset.connection).toEqual(byCursor.connection);
    expect(byOffset.connection.pageInfo.hasPreviousPage).toBe(true);
  });

  it('the last page ends the list', async () => {
    const { connection } = await page('{ first: 50, offset: 280 }');
    expect(connection.edges).toHaveLength(20);
    expect(connection.pageInfo.hasNextPage).toBe(false);
  });

  it('past the end: no edges, null cursors, and the total still counted', async () => {
    const { connection } = await page('{ first: 10, offset: 5000 }');
    expect(connection).toMatchObject({
      totalCount: ROWS,
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });
});

describe('page sizes HSS does not allow', () => {
  it('first under 10 asks HSS for 10 and returns first', async () => {
    const { connection, calls } = await page('{ first: 3 }');
    expect(calls.map((c) => c.query)).toEqual(['category=host&limit=10']);
    expect(connection.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      everything.slice(0, 3).map((n) => n.id),
    );
    expect(connection.pageInfo.hasNextPage).toBe(true);
  });

  it('first: 0 answers totalCount alone', async () => {
    const { connection, calls } = await page('{ first: 0 }');
    expect(calls).toHaveLength(1);
    expect(connection).toMatchObject({ totalCount: ROWS, edges: [], pageInfo: { hasNextPage: true } });
  });

  it('first over 200 is served from several upstream pages', async () => {
    const { connection, calls } = await page('{ first: 250, offset: 10 }');
    expect(calls.map((c) => c.query)).toEqual([
      'category=host&limit=200&offset=10',
      'category=host&limit=50&offset=210',
    ]);
    expect(connection.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      everything.slice(10, 260).map((n) => n.id),
    );
    expect(connection.pageInfo.hasNextPage).toBe(true);
  });

  it('pages past the total are not fetched: they would spend quota on nothing', async () => {
    const { connection, calls } = await page('{ first: 1000 }');
    expect(calls.map((c) => c.query)).toEqual([
      'category=host&limit=200',
      'category=host&limit=200&offset=200',
    ]);
    expect(connection.edges).toHaveLength(ROWS);
    expect(connection.pageInfo.hasNextPage).toBe(false);
  });

  it('the pages after the first are fetched concurrently', async () => {
    // The upstream holds every page after the first until all four have arrived: fetched one by one,
    // the first of them would wait for the others forever and time out.
    const held: Array<() => void> = [];
    const rows = (offset: number, limit: number) =>
      Array.from({ length: limit }, (_, i) => ({
        port: offset + i + 1,
        type: 'TCP',
        num: 1,
        status: 'normal',
      }));
    const upstream = await perTest.scripted((request, res) => {
      const params = new URL(request.url, 'http://x').searchParams;
      const offset = Number(params.get('offset') ?? 0);
      const answer = pageAnswer(1000, rows(offset, Number(params.get('limit'))));
      if (offset === 0) return answer;
      held.push(() =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body)),
      );
      if (held.length === 4) for (const release of held) release();
      return undefined;
    });
    const concurrentGw = await perTest.gateway(upstream, { HSS_HEADERS_TIMEOUT_MS: '5000' });
    const answer = await concurrentGw.graphql('{ portStatistics(page: { first: 1000 }) { nodes { port } } }');
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.portStatistics.nodes.map((n: { port: number }) => n.port)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 1),
    );
    expect(upstream.received.map((r) => r.url.split('?')[1]).sort()).toEqual([
      'limit=200',
      'limit=200&offset=200',
      'limit=200&offset=400',
      'limit=200&offset=600',
      'limit=200&offset=800',
    ]);
  });
});

describe('Relay arguments: first/after and last/before at the top level', () => {
  async function relay(args: string) {
    const before = rig.hss.received.length;
    const answer = await rig.gw.graphql(
      `{ portStatistics(filter: { category: HOST }, ${args}) { ${CONNECTION} } }`,
    );
    return { answer, connection: answer.body.data?.portStatistics, calls: rig.hss.received.slice(before) };
  }
  const ids = (connection: { edges: { node: { id: string } }[] }) => connection.edges.map((e) => e.node.id);

  it('first/after walks the same pages as page: { first, after }', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const { connection } = await relay(after ? `first: 120, after: "${after}"` : 'first: 120');
      seen.push(...ids(connection));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(everything.map((n) => n.id));
  });

  it('last/before walks backward from the end to the start', async () => {
    const pages: string[][] = [];
    let before: string | null = null;
    for (;;) {
      const { connection } = await relay(before ? `last: 120, before: "${before}"` : 'last: 120');
      expect(connection.totalCount).toBe(ROWS);
      pages.unshift(ids(connection));
      if (!connection.pageInfo.hasPreviousPage) break;
      before = connection.pageInfo.startCursor;
    }
    expect(pages.map((p) => p.length)).toEqual([60, 120, 120]);
    expect(pages.flat()).toEqual(everything.map((n) => n.id));
  });

  it('last without before costs one call more, to learn where the list ends; none when it fits the first page', async () => {
    const { calls } = await relay('last: 10');
    expect(calls.map((c) => c.query)).toEqual([
      'category=host&limit=10',
      'category=host&limit=10&offset=290',
    ]);
    const whole = await relay('last: 200, after: "T2Zmc2V0Q29ubmVjdGlvbjoxMzk="'); // after offset 139
    expect(whole.calls.map((c) => c.query)).toEqual(['category=host&limit=200&offset=140']);
    expect(ids(whole.connection)).toEqual(everything.slice(140).map((n) => n.id));
  });

  it('cursors of either style work in the other', async () => {
    const byPage = await page('{ first: 30 }');
    const next = await relay(`first: 10, after: "${byPage.connection.pageInfo.endCursor}"`);
    expect(ids(next.connection)).toEqual(everything.slice(30, 40).map((n) => n.id));
    const back = await page(`{ first: 5, after: "${next.connection.pageInfo.startCursor}" }`);
    expect(ids(back.connection)).toEqual(everything.slice(31, 36).map((n) => n.id));
    const window = await relay(
      `first: 100, after: "${byPage.connection.pageInfo.startCursor}", before: "${next.connection.pageInfo.endCursor}"`,
    );
    expect(ids(window.connection)).toEqual(everything.slice(1, 39).map((n) => n.id));
  });

  it.each([
    ['page: { first: 10 }, first: 10', 'page cannot be given together with first, after, last or before'],
    ['page: { offset: 10 }, before: "T2Zmc2V0Q29ubmVjdGlvbjoxMA=="', 'page cannot be given together'],
    ['first: 10, last: 10', 'first and last cannot be given together'],
    ['last: 1001', 'last must be between 0 and 1000; got 1001.'],
    ['first: -1', 'first must be between 0 and 1000; got -1.'],
    ['before: "nope"', 'before is not a cursor this API issued'],
  ])('%s is BAD_USER_INPUT, and nothing is sent', async (args, message) => {
    const { answer, calls } = await relay(args);
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(answer.body.errors?.[0]?.message).toContain(message);
    expect(calls).toEqual([]);
  });
});
