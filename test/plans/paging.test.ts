/**
 * Paging in memory, without sockets: which upstream slices a window of rows asks for, and the
 * connection stitched from them. The page loader here is a list of rows answering `offset` and
 * `limit` as HSS does (default limit 10, at most 200), recording every slice it was asked for; the
 * end-to-end paging tests (test/gateway/paging.test.ts) check the same rules against the emulator.
 */
import { loadConnection } from '../../src/paging/connection.js';
import { offsetToCursor } from '../../src/paging/cursor.js';
import type { PageSlice } from '../../src/paging/page-plan.js';
import { pageWindow, type RowWindow, relayWindow } from '../../src/paging/window.js';
import type { FetchedBlock } from '../../src/quota/block-request.js';

/** A row as the loader hands it over: an object, as HSS's rows are. */
interface Row {
  at: number;
}

/** `count` rows at 0..count-1, served page by page; `pages` lists the slices asked for. */
function listOf(count: number, options: { fetchedAt?: (slice: PageSlice) => number; stale?: boolean } = {}) {
  const pages: PageSlice[] = [];
  const fetch = async (slice: PageSlice): Promise<FetchedBlock<Row>> => {
    pages.push(slice);
    const offset = slice.offset ?? 0;
    const limit = slice.limit ?? 10;
    if (limit < 10 || limit > 200) throw new Error(`HSS refuses limit=${limit}`);
    const rows = Array.from({ length: Math.max(0, Math.min(limit, count - offset)) }, (_, i) => ({
      at: offset + i,
    }));
    return {
      totalNum: count,
      rows,
      fetchedAt: options.fetchedAt?.(slice) ?? 1_000,
      stale: options.stale ?? false,
      source: 'call',
    };
  };
  return { pages, fetch };
}

const asNode = (row: Row) => ({ row: row.at });

/** The connection for `window` over a list of `count` rows, and the slices it asked for. */
async function pageThrough(count: number, window: RowWindow) {
  const list = listOf(count);
  const connection = await loadConnection(window, list.fetch, asNode);
  return { asked: list.pages, connection };
}
const rowsOf = (connection: { edges: { node: { row: number } }[] }) =>
  connection.edges.map((e) => e.node.row);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('forward paging (first/after)', () => {
  it('a first page under 10 rows asks HSS for 10 and answers first', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({ first: 3 }));
    expect(asked).toEqual([{ limit: 10 }]);
    expect(rowsOf(connection)).toEqual([0, 1, 2]);
    expect(connection.totalCount).toBe(32);
    expect(connection.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: offsetToCursor(0),
      endCursor: offsetToCursor(2),
    });
  });

  it('no first sends no limit (HSS default 10)', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({}));
    expect(asked).toEqual([{}]);
    expect(rowsOf(connection)).toEqual(range(0, 10));
  });

  it('after a cursor continues at the next record', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({ first: 10, after: offsetToCursor(9) }));
    expect(asked).toEqual([{ offset: 10, limit: 10 }]);
    expect(rowsOf(connection)).toEqual(range(10, 20));
    expect(connection.pageInfo.hasPreviousPage).toBe(true);
  });

  it('over 200 rows reads pages of 200, the last one only as large as needed', async () => {
    const { asked, connection } = await pageThrough(1000, relayWindow({ first: 450 }));
    expect(asked).toEqual([{ limit: 200 }, { offset: 200, limit: 200 }, { offset: 400, limit: 50 }]);
    expect(rowsOf(connection)).toEqual(range(0, 450));
    expect(connection.pageInfo.hasNextPage).toBe(true);
  });

  it('first: 1000 over 30 rows costs one call: no empty pages are bought', async () => {
    const { asked, connection } = await pageThrough(30, relayWindow({ first: 1000 }));
    expect(asked).toEqual([{ limit: 200 }]);
    expect(connection.totalCount).toBe(30);
    expect(connection.pageInfo.hasNextPage).toBe(false);
  });

  it('first: 0 answers the total from one page of 10 and no edges', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({ first: 0 }));
    expect(asked).toEqual([{ limit: 10 }]);
    expect(connection.edges).toEqual([]);
    expect(connection.pageInfo).toMatchObject({ startCursor: null, endCursor: null, hasNextPage: true });
  });
});

describe('backward paging (last/before)', () => {
  it('last without before: one page tells the total, then the rows are read from where they begin', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({ last: 5 }));
    expect(asked).toEqual([{ limit: 10 }, { offset: 27, limit: 10 }]);
    expect(rowsOf(connection)).toEqual([27, 28, 29, 30, 31]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('last over a list that fits the first page costs that page alone', async () => {
    const { asked, connection } = await pageThrough(8, relayWindow({ last: 3 }));
    expect(asked).toEqual([{ limit: 10 }]);
    expect(rowsOf(connection)).toEqual([5, 6, 7]);
  });

  it('last with before is a known window, read forward', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({ last: 4, before: offsetToCursor(20) }));
    expect(asked).toEqual([{ offset: 16, limit: 10 }]);
    expect(rowsOf(connection)).toEqual([16, 17, 18, 19]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('last is bounded below by after', async () => {
    const { asked, connection } = await pageThrough(
      32,
      relayWindow({ last: 10, after: offsetToCursor(14), before: offsetToCursor(20) }),
    );
    expect(asked).toEqual([{ offset: 15, limit: 10 }]);
    expect(rowsOf(connection)).toEqual([15, 16, 17, 18, 19]);
  });
});

describe('the two styles share cursors', () => {
  it('a Relay cursor works as page.after, and page.offset lands where the cursor does', async () => {
    const viaPage = listOf(32);
    const viaOffset = listOf(32);
    const a = await loadConnection(pageWindow({ first: 5, after: offsetToCursor(4) }), viaPage.fetch, asNode);
    const b = await loadConnection(pageWindow({ first: 5, offset: 5 }), viaOffset.fetch, asNode);
    expect(rowsOf(a)).toEqual([5, 6, 7, 8, 9]);
    expect(a.edges.map((e) => e.cursor)).toEqual(b.edges.map((e) => e.cursor));
  });

  it('contradictory or out-of-range arguments are refused before any page is asked for', () => {
    expect(() => relayWindow({ first: 1, last: 1 })).toThrow('first and last cannot be given together');
    expect(() => pageWindow({ after: offsetToCursor(1), offset: 3 })).toThrow('cannot be given together');
    expect(() => relayWindow({ first: 1001 })).toThrow('first must be between 0 and 1000; got 1001.');
    expect(() => relayWindow({ last: -1 })).toThrow('last must be between 0 and 1000; got -1.');
    expect(() => relayWindow({ after: 'not-a-cursor' })).toThrow('after is not a cursor this API issued');
    expect(() => pageWindow({ offset: 2_000_001 })).toThrow('page.offset must be between 0 and 2000000');
  });
});

describe('what a page says about the connection', () => {
  it('an unreadable row keeps its place: the cursors after it stay true', async () => {
    const fetch = async (): Promise<FetchedBlock<Row>> => ({
      totalNum: 3,
      rows: [{ at: 0 }, null, { at: 2 }],
      fetchedAt: 1_000,
      stale: false,
      source: 'call',
    });
    const connection = await loadConnection(relayWindow({ first: 3 }), fetch, asNode);
    expect(rowsOf(connection)).toEqual([0, 2]);
    expect(connection.edges.map((e) => e.cursor)).toEqual([offsetToCursor(0), offsetToCursor(2)]);
    expect(connection.pageInfo.hasNextPage).toBe(false);
  });

  it('fetchedAt is the oldest page, and stale if any page is', async () => {
    const list = listOf(500, { fetchedAt: (slice) => 5_000 - (slice.offset ?? 0) });
    const connection = await loadConnection(relayWindow({ first: 450 }), list.fetch, asNode);
    expect(connection.fetchedAt).toEqual(new Date(4_600));
    expect(connection.stale).toBe(false);
    const staleList = listOf(20, { stale: true });
    expect((await loadConnection(relayWindow({ first: 5 }), staleList.fetch, asNode)).stale).toBe(true);
  });
});
