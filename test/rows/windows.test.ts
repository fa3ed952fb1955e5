/**
 * Windows of rows in memory, without sockets: which blocks of 200 a window asks for, and the
 * connection made of the rows read. The list here is rows answering a block at a record offset as
 * HSS answers `limit=200&offset=…`, recording every block asked for; the end-to-end paging tests
 * (test/gateway/paging.test.ts) check the same rules against the emulator.
 */
import type { FetchedBlock } from '../../src/model/block.js';
import type { RowsRead } from '../../src/model/rows.js';
import { connectionOf } from '../../src/paging/connection.js';
import { offsetToCursor } from '../../src/paging/cursor.js';
import { pageWindow, type RowWindow, relayWindow } from '../../src/paging/window.js';
import {
  type BlockLoads,
  blocksCovering,
  cutRows,
  type ListCall,
  readBlocks,
} from '../../src/rows/blocks.js';

/** A row as HSS hands it over: an object. */
interface Row {
  at: number;
}

/** `count` rows at 0..count-1, served block by block; `asked` lists the block offsets asked for. */
function listOf(count: number, options: { fetchedAt?: (offset: number) => number; stale?: boolean } = {}) {
  const asked: number[] = [];
  const blockAt = async (offset: number): Promise<FetchedBlock<Row>> => {
    asked.push(offset);
    if (offset % 200 !== 0) throw new Error(`a block at ${offset} is not a block`);
    const rows = Array.from({ length: Math.max(0, Math.min(200, count - offset)) }, (_, i) => ({
      at: offset + i,
    }));
    return {
      totalNum: count,
      rows,
      fetchedAt: options.fetchedAt?.(offset) ?? 1_000,
      stale: options.stale ?? false,
      source: 'call',
    };
  };
  return { asked, blockAt };
}

const asNode = (row: Row) => ({ row: row.at });

/** A list of rows of its own: only the offset of each block asked for matters here. */
const LIST: ListCall<Row> = {
  api: { name: 'ListPortStatistics', path: () => '/', read: () => undefined },
  projectId: 'p',
  parameters: [],
};
const offsetOf = (call: ListCall<Row>) =>
  Number(call.parameters.find(([name]) => name === 'offset')?.[1] ?? 0);

/** The rows of a window, each block read by its offset. */
function readAt(
  window: RowWindow,
  blockAt: (offset: number) => Promise<FetchedBlock<Row>>,
): Promise<RowsRead<Row>> {
  const loads: BlockLoads = {
    block: async <R>(call: ListCall<R>) =>
      (await blockAt(offsetOf(call as never))) as unknown as FetchedBlock<R>,
  };
  return readBlocks(window, LIST, loads);
}

/** The connection for `window` over a list of `count` rows, and the blocks it asked for. */
async function pageThrough(count: number, window: RowWindow) {
  const list = listOf(count);
  const connection = connectionOf(await readAt(window, list.blockAt), asNode);
  return { asked: list.asked, connection };
}
const rowsOf = (connection: { edges: { node: { row: number } }[] }) =>
  connection.edges.map((e) => e.node.row);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('forward paging (first/after)', () => {
  it('a first page of 3 rows reads the first block and answers 3', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({ first: 3 }));
    expect(asked).toEqual([0]);
    expect(rowsOf(connection)).toEqual([0, 1, 2]);
    expect(connection.totalCount).toBe(32);
    expect(connection.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: offsetToCursor(0),
      endCursor: offsetToCursor(2),
    });
  });

  it('no first answers the default 10 rows', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({}));
    expect(asked).toEqual([0]);
    expect(rowsOf(connection)).toEqual(range(0, 10));
  });

  it('after a cursor continues at the next record, from the block that holds it', async () => {
    const { asked, connection } = await pageThrough(
      500,
      relayWindow({ first: 10, after: offsetToCursor(209) }),
    );
    expect(asked).toEqual([200]);
    expect(rowsOf(connection)).toEqual(range(210, 220));
    expect(connection.pageInfo.hasPreviousPage).toBe(true);
  });

  it('a window across blocks reads each block it touches, once', async () => {
    const { asked, connection } = await pageThrough(
      1000,
      relayWindow({ first: 450, after: offsetToCursor(99) }),
    );
    expect(asked).toEqual([0, 200, 400]);
    expect(rowsOf(connection)).toEqual(range(100, 550));
    expect(connection.pageInfo.hasNextPage).toBe(true);
    expect(blocksCovering(100, 450)).toBe(asked.length);
  });

  it('first: 1000 over 30 rows costs one call: no empty blocks are bought', async () => {
    const { asked, connection } = await pageThrough(30, relayWindow({ first: 1000 }));
    expect(asked).toEqual([0]);
    expect(connection.totalCount).toBe(30);
    expect(connection.pageInfo.hasNextPage).toBe(false);
  });

  it('first: 0 answers the total from the first block and no edges', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({ first: 0 }));
    expect(asked).toEqual([0]);
    expect(connection.edges).toEqual([]);
    expect(connection.pageInfo).toMatchObject({ startCursor: null, endCursor: null, hasNextPage: true });
  });
});

describe('backward paging (last/before)', () => {
  it('last without before: the first block tells the total, then the block the rows are in', async () => {
    const { asked, connection } = await pageThrough(432, relayWindow({ last: 5 }));
    expect(asked).toEqual([0, 400]);
    expect(rowsOf(connection)).toEqual([427, 428, 429, 430, 431]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it('last over a list the first block holds costs that block alone', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({ last: 3 }));
    expect(asked).toEqual([0]);
    expect(rowsOf(connection)).toEqual([29, 30, 31]);
  });

  it('last with before is a known window, read forward', async () => {
    const { asked, connection } = await pageThrough(32, relayWindow({ last: 4, before: offsetToCursor(20) }));
    expect(asked).toEqual([0]);
    expect(rowsOf(connection)).toEqual([16, 17, 18, 19]);
    expect(connection.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it('last is bounded below by after', async () => {
    const { connection } = await pageThrough(
      32,
      relayWindow({ last: 10, after: offsetToCursor(14), before: offsetToCursor(20) }),
    );
    expect(rowsOf(connection)).toEqual([15, 16, 17, 18, 19]);
  });
});

describe('the two styles share cursors', () => {
  it('a Relay cursor works as page.after, and page.offset lands where the cursor does', async () => {
    const list = listOf(32);
    const a = connectionOf(
      await readAt(pageWindow({ first: 5, after: offsetToCursor(4) }), list.blockAt),
      asNode,
    );
    const b = connectionOf(await readAt(pageWindow({ first: 5, offset: 5 }), list.blockAt), asNode);
    expect(rowsOf(a)).toEqual([5, 6, 7, 8, 9]);
    expect(a.edges.map((e) => e.cursor)).toEqual(b.edges.map((e) => e.cursor));
  });

  it('contradictory or out-of-range arguments are refused before any block is asked for', () => {
    expect(() => relayWindow({ first: 1, last: 1 })).toThrow('first and last cannot be given together');
    expect(() => pageWindow({ after: offsetToCursor(1), offset: 3 })).toThrow('cannot be given together');
    expect(() => relayWindow({ first: 1001 })).toThrow('first must be between 0 and 1000; got 1001.');
    expect(() => relayWindow({ last: -1 })).toThrow('last must be between 0 and 1000; got -1.');
    expect(() => relayWindow({ after: 'not-a-cursor' })).toThrow('after is not a cursor this API issued');
    expect(() => pageWindow({ offset: 2_000_001 })).toThrow('page.offset must be between 0 and 2000000');
  });
});

describe('what the rows read say about the connection', () => {
  it('an unreadable row keeps its place: the cursors after it stay true', async () => {
    const blockAt = async (): Promise<FetchedBlock<Row>> => ({
      totalNum: 3,
      rows: [{ at: 0 }, null, { at: 2 }],
      fetchedAt: 1_000,
      stale: false,
      source: 'call',
    });
    const connection = connectionOf(await readAt(relayWindow({ first: 3 }), blockAt), asNode);
    expect(rowsOf(connection)).toEqual([0, 2]);
    expect(connection.edges.map((e) => e.cursor)).toEqual([offsetToCursor(0), offsetToCursor(2)]);
    expect(connection.pageInfo.hasNextPage).toBe(false);
  });

  it('a block shorter than HSS said leaves the rest for the next page', async () => {
    const blockAt = async (): Promise<FetchedBlock<Row>> => ({
      totalNum: 5,
      rows: [{ at: 0 }, { at: 1 }],
      fetchedAt: 1_000,
      stale: false,
      source: 'call',
    });
    const connection = connectionOf(await readAt(relayWindow({ first: 5 }), blockAt), asNode);
    expect(rowsOf(connection)).toEqual([0, 1]);
    expect(connection.pageInfo.hasNextPage).toBe(true);
  });

  it('fetchedAt is the oldest block, and stale if any block is', async () => {
    const list = listOf(500, { fetchedAt: (offset) => 5_000 - offset });
    const connection = connectionOf(await readAt(relayWindow({ first: 450 }), list.blockAt), asNode);
    expect(connection.fetchedAt).toEqual(new Date(4_600));
    expect(connection.stale).toBe(false);
    const staleList = listOf(20, { stale: true });
    expect(connectionOf(await readAt(relayWindow({ first: 5 }), staleList.blockAt), asNode).stale).toBe(true);
  });

  it('rows held whole are cut once, and their cursors name the snapshot', () => {
    const rows = range(0, 30).map((at) => ({ at }));
    const read = cutRows(rows, relayWindow({ last: 4 }), { fetchedAt: 1, stale: false, tag: 'abcdefghijkl' });
    const connection = connectionOf(read, asNode);
    expect(rowsOf(connection)).toEqual([26, 27, 28, 29]);
    expect(connection.edges[0]?.cursor).toBe(offsetToCursor(26, 'abcdefghijkl'));
    expect(connection.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});
