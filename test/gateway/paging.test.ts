/**
 * `portStatistics` is a Relay connection over HSS's offset paging: every window is cut from blocks
 * of 200 rows at offsets that are multiples of 200, or, with the cache on, from a snapshot of a
 * small scope's whole table.
 */
import { useFixtures } from '../helpers/fixtures.js';
import { useGatewayOnEmulator } from '../helpers/gateway-on-emulator.js';
import { pageAnswer } from '../helpers/scripted-upstream.js';

const perTest = useFixtures({ closeAfter: 'each' });

// Hosts of the default enterprise project: 300 rows, so pages of 200 and a short last page exist.
// The subject is paging, not HSS's flow control: the file makes far more than 5 ListPortStatistics
// calls a minute from 127.0.0.1, so the rig's emulator has its quota off (the snapshot tests below
// start emulators of their own with the quota on).
const ROWS = 300;
const rig = useGatewayOnEmulator(
  { HSS_PROJECT_ID: 'paging', HSS_AUTH_TOKEN: 't' },
  { rowsPerScope: ROWS, quotaPerMinute: 0 },
);

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

describe('windows cut from blocks of 200', () => {
  it('first under 200 asks HSS for the block of 200 and returns first', async () => {
    const { connection, calls } = await page('{ first: 3 }');
    expect(calls.map((c) => c.query)).toEqual(['category=host&limit=200']);
    expect(connection.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      everything.slice(0, 3).map((n) => n.id),
    );
    expect(connection.pageInfo.hasNextPage).toBe(true);
  });

  it('ten pages of 10 rows in one operation cost one call', async () => {
    const before = rig.hss.received.length;
    const aliases = Array.from(
      { length: 10 },
      (_, i) =>
        `p${i}: portStatistics(filter: { category: HOST }, page: { first: 10, offset: ${i * 10} }) { nodes { id } }`,
    );
    const answer = await rig.gw.graphql(`{ ${aliases.join(' ')} }`);
    expect(answer.body.errors).toBeUndefined();
    expect(rig.hss.received.slice(before).map((c) => c.query)).toEqual(['category=host&limit=200']);
    for (let i = 0; i < 10; i++) {
      expect(answer.body.data[`p${i}`].nodes.map((n: { id: string }) => n.id)).toEqual(
        everything.slice(i * 10, i * 10 + 10).map((n) => n.id),
      );
    }
  });

  it('a later offset asks only the block holding it', async () => {
    const { connection, calls } = await page('{ first: 30, offset: 230 }');
    expect(calls.map((c) => c.query)).toEqual(['category=host&limit=200&offset=200']);
    expect(connection.totalCount).toBe(ROWS);
    expect(connection.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      everything.slice(230, 260).map((n) => n.id),
    );
  });

  it('a window crossing 200 asks two blocks', async () => {
    const { connection, calls } = await page('{ first: 20, offset: 190 }');
    expect(calls.map((c) => c.query)).toEqual([
      'category=host&limit=200',
      'category=host&limit=200&offset=200',
    ]);
    expect(connection.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      everything.slice(190, 210).map((n) => n.id),
    );
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('first: 0 answers totalCount alone, for one call', async () => {
    const { connection, calls } = await page('{ first: 0 }');
    expect(calls.map((c) => c.query)).toEqual(['category=host&limit=200']);
    expect(connection).toMatchObject({ totalCount: ROWS, edges: [], pageInfo: { hasNextPage: true } });
  });

  it('first over 200 is served from the blocks it touches', async () => {
    const { connection, calls } = await page('{ first: 250, offset: 10 }');
    expect(calls.map((c) => c.query)).toEqual([
      'category=host&limit=200',
      'category=host&limit=200&offset=200',
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

  it('last without before costs one block more, to learn where the list ends; none when the end is in the block asked', async () => {
    // Block 0 tells the total (300); the last 10 rows are in block 200.
    const { connection, calls } = await relay('last: 10');
    expect(calls.map((c) => c.query)).toEqual([
      'category=host&limit=200',
      'category=host&limit=200&offset=200',
    ]);
    expect(ids(connection)).toEqual(everything.slice(290).map((n) => n.id));
    // After offset 199: the block that tells the total holds the last rows too.
    const inBlock = await relay('last: 10, after: "T2Zmc2V0Q29ubmVjdGlvbjoxOTk="');
    expect(inBlock.calls.map((c) => c.query)).toEqual(['category=host&limit=200&offset=200']);
    expect(ids(inBlock.connection)).toEqual(everything.slice(290).map((n) => n.id));
    // After offset 139: rows 140..299 cross 200, so both blocks, and nothing more.
    const whole = await relay('last: 200, after: "T2Zmc2V0Q29ubmVjdGlvbjoxMzk="');
    expect(whole.calls.map((c) => c.query)).toEqual([
      'category=host&limit=200',
      'category=host&limit=200&offset=200',
    ]);
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

describe('snapshots of small scopes, with the cache on', () => {
  // Each test starts an emulator of its own with HSS's quota on (5 calls a minute): a scope of up to
  // 800 rows costs its pages of 200 once, then any question of it costs nothing.
  const SCOPE_PAGES = ['category=host&limit=200', 'category=host&limit=200&offset=200'];
  const FIELDS = 'totalCount nodes { id port type num status }';

  async function snapshotRig(env: Record<string, string> = {}) {
    const hss = await perTest.emulator({ rowsPerScope: ROWS });
    const gw = await perTest.gateway(hss, { HSS_PROJECT_ID: 'paging', CACHE_TTL_SECONDS: '60', ...env });
    const args = (filter: string, rest: string) =>
      `filter: { category: HOST${filter ? `, ${filter}` : ''} }${rest ? `, ${rest}` : ''}`;
    /** The query on this gateway, the calls it made, and what the rig (no cache: HSS) answers. */
    const ask = async (filter: string, rest = '') => {
      const query = `{ portStatistics(${args(filter, rest)}) { ${FIELDS} } }`;
      const before = hss.received.length;
      const answer = await gw.graphql(query);
      expect(answer.body.errors).toBeUndefined();
      const reference = await rig.gw.graphql(query);
      expect(reference.body.errors).toBeUndefined();
      return {
        data: answer.body.data.portStatistics,
        fromHss: reference.body.data.portStatistics,
        upstreamCalls: answer.body.extensions?.cost.upstreamCalls as number,
        calls: hss.received.slice(before).map((c) => c.query),
      };
    };
    return { hss, gw, ask };
  }

  it('any filter, order or page of a scope of up to 800 rows costs no call after the first', async () => {
    const { hss, gw, ask } = await snapshotRig();
    const first = await ask('status: DANGER');
    expect(first.calls).toEqual(SCOPE_PAGES);
    expect(first.data).toEqual(first.fromHss);
    for (const [filter, rest] of [
      ['status: NORMAL', ''],
      ['port: 22', ''],
      ['portString: "1"', 'page: { first: 50, offset: 20 }'],
      ['port: 443, portString: "44"', ''],
      ['type: UDP', 'orderBy: { direction: DESC }'],
      ['status: UNKNOWN, type: TCP', 'last: 5'],
      ['', 'orderBy: { field: PORT, direction: ASC }, first: 30, after: "T2Zmc2V0Q29ubmVjdGlvbjoxOTk="'],
      ['status: UNKNOWN', 'page: { first: 0 }'],
      ['', 'page: { first: 1000 }'],
    ] as const) {
      const answer = await ask(filter, rest);
      expect({ filter, rest, calls: answer.calls, upstreamCalls: answer.upstreamCalls }).toEqual({
        filter,
        rest,
        calls: [],
        upstreamCalls: 0,
      });
      expect(answer.data).toEqual(answer.fromHss);
    }
    // The dashboard's header too: every count from the same table, at no call.
    const SUMMARY =
      '{ portStatisticsSummary(filter: { category: HOST }) { totalCount byStatus { status count } byProtocol { type count } } }';
    const summary = await gw.graphql(SUMMARY);
    expect(summary.body.extensions?.cost.upstreamCalls).toBe(0);
    expect(summary.body.data).toEqual((await rig.gw.graphql(SUMMARY)).body.data);
    // HSS saw the scope's unfiltered pages and nothing else.
    expect(hss.received.map((c) => c.query)).toEqual(SCOPE_PAGES);
    expect(hss.received.every((c) => c.status === 200)).toBe(true);
  });

  it('a filter named in SNAPSHOT_UPSTREAM_FILTERS is sent to HSS; the others still come from the snapshot', async () => {
    const { hss, ask } = await snapshotRig({ SNAPSHOT_UPSTREAM_FILTERS: 'portString' });
    expect((await ask('status: DANGER')).calls).toEqual(SCOPE_PAGES);
    const byPortString = await ask('portString: "1"');
    expect(byPortString.calls).toEqual(['category=host&limit=200&port_string=1']);
    expect(byPortString.data).toEqual(byPortString.fromHss);
    const withStatus = await ask('portString: "1", status: NORMAL');
    expect(withStatus.calls).toEqual(['category=host&limit=200&port_string=1&status=normal']);
    expect(withStatus.data).toEqual(withStatus.fromHss);
    const byType = await ask('type: UDP', 'orderBy: { direction: DESC }');
    expect(byType.calls).toEqual([]);
    expect(byType.data).toEqual(byType.fromHss);
    expect(hss.received).toHaveLength(4);
  });

  it('a cursor from a snapshot keeps paging the snapshot it started on: every row once', async () => {
    const { hss, gw } = await snapshotRig();
    const seen: string[] = [];
    const tags = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const answer = await gw.graphql(
        `{ portStatistics(filter: { category: HOST }, first: 50${after ? `, after: "${after}"` : ''}) { ${CONNECTION} } }`,
      );
      expect(answer.body.errors).toBeUndefined();
      const connection = answer.body.data.portStatistics;
      pages++;
      expect(connection.totalCount).toBe(ROWS);
      for (const [i, edge] of connection.edges.entries()) {
        const [, offset, tag] = /^OffsetConnection:(\d+):([A-Za-z0-9_-]{12})$/.exec(
          Buffer.from(edge.cursor, 'base64').toString(),
        ) ?? [undefined, undefined, undefined];
        expect(Number(offset)).toBe(seen.length + i);
        tags.add(tag as string);
      }
      seen.push(...connection.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(pages).toBe(6);
    expect(tags.size).toBe(1);
    expect(new Set(seen).size).toBe(ROWS);
    expect(seen).toEqual(everything.map((n) => n.id));
    expect(hss.received.map((c) => c.query)).toEqual(SCOPE_PAGES);
  });
});
