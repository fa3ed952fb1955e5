/**
 * The one row source of statistics lists, in memory: for each list and window it decides once
 * between the snapshot of the scope's table and the query's own blocks, and cuts the window once.
 * HSS's answers are the emulator's dataset; `calls` is every call HSS would have been asked.
 */
import { HssError } from '../../src/errors/hss-error.js';
import type { OperationLedger } from '../../src/model/rows.js';
import { ListedRows } from '../../src/rows/listed-rows.js';
import type { RowLoads } from '../../src/rows/request-loader.js';
import { type RecentlyListed, type SnapshotPolicy, statisticsRows } from '../../src/rows/statistics-rows.js';
import { datasetAnswers, rowLoads } from '../helpers/in-memory-rows.js';

const scope = { projectId: 'p', category: 'HOST' as const };
const snapshots: SnapshotPolicy = { maxBlocks: 4, upstreamFilters: new Set() };
const ledger = (): OperationLedger => ({
  name: null,
  blocksAsked: 0,
  blocksServed: 0,
  upstreamCalls: 0,
  sharedCalls: 0,
  cachedBlocks: 0,
});
const first = (n: number, offset?: number) => ({ first: n, offset });

function rowSource(
  rowsPerScope: number,
  policy = snapshots,
  listed?: RecentlyListed,
  loads?: (l: RowLoads) => RowLoads,
) {
  const { answer, calls } = datasetAnswers(rowsPerScope);
  const loader = rowLoads(answer).loads;
  const operation = ledger();
  const read = statisticsRows(loads ? loads(loader) : loader, policy, listed, operation);
  return { read, calls, operation };
}

describe('a table that fits a snapshot', () => {
  it('answers every filter, order and window of the scope from its blocks, read once', async () => {
    const { read, calls } = rowSource(300);
    const all = await read({ scope, query: { category: 'HOST' } }, first(10));
    const danger = await read({ scope, query: { category: 'HOST', status: 'DANGER' } }, first(1000));
    const byPort = await read(
      { scope, query: { category: 'HOST', sortKey: 'PORT', sortDirection: 'DESC' } },
      first(5, 295),
    );
    expect(all.totalCount).toBe(300);
    expect(danger.rows.every((row) => row?.status === 'DANGER')).toBe(true);
    expect(danger.totalCount).toBe(danger.rows.length);
    expect(byPort.start).toBe(295);
    expect(byPort.rows).toHaveLength(5);
    // The table's first block told its size; the second came with it again (blocks are served together).
    expect(calls).toEqual([
      'category=host&limit=200',
      'category=host&limit=200',
      'category=host&limit=200&offset=200',
    ]);
    expect(all.tag).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('the last rows of a filter: cut from the same table, no call to learn where the list ends', async () => {
    const { read, calls } = rowSource(120);
    const last = await read(
      { scope, query: { category: 'HOST', type: 'UDP' } },
      { first: 3, offset: undefined, fromEnd: true },
    );
    expect(last.start + last.rows.length).toBe(last.totalCount);
    expect(calls).toHaveLength(1);
  });
});

describe('a table too large for a snapshot', () => {
  it('costs its first block once; each query its own block, cut once', async () => {
    const { read, calls } = rowSource(1200);
    const danger = await read({ scope, query: { category: 'HOST', status: 'DANGER' } }, first(5));
    expect(danger.rows).toHaveLength(5);
    expect(danger.tag).toBeUndefined();
    expect(calls).toEqual(['category=host&limit=200', 'category=host&limit=200&status=danger']);
  });

  it('a window across blocks reads each block it touches', async () => {
    const { read, calls } = rowSource(1200);
    const window = await read({ scope, query: { category: 'HOST' } }, first(300, 150));
    expect(window.start).toBe(150);
    expect(window.rows).toHaveLength(300);
    expect(calls.slice(1)).toEqual([
      'category=host&limit=200',
      'category=host&limit=200&offset=200',
      'category=host&limit=200&offset=400',
    ]);
  });
});

describe('what is never answered from a snapshot', () => {
  it('a query with a filter always sent to HSS (SNAPSHOT_UPSTREAM_FILTERS): its own blocks', async () => {
    const { read, calls } = rowSource(120, { maxBlocks: 4, upstreamFilters: new Set(['port']) });
    await read({ scope, query: { category: 'HOST', port: 22 } }, first(10));
    expect(calls).toEqual(['category=host&limit=200&port=22']);
  });

  it('SNAPSHOT_MAX_PAGES=0: every query its own blocks', async () => {
    const { read, calls } = rowSource(120, { maxBlocks: 0, upstreamFilters: new Set() });
    await read({ scope, query: { category: 'HOST', status: 'DANGER' } }, first(10));
    expect(calls).toEqual(['category=host&limit=200&status=danger']);
  });
});

describe('a snapshot that cannot be read', () => {
  const failingTable =
    (error: HssError) =>
    (loads: RowLoads): RowLoads => ({
      ...loads,
      blocks: async () => {
        throw error;
      },
    });

  it('a spent budget or HSS down: the query`s own blocks, which may be stored already', async () => {
    for (const error of [
      new HssError('RATE_LIMITED', 'spent', { retryAfter: 10 }),
      new HssError('UPSTREAM_UNAVAILABLE', 'down', { failure: 'timeout' }),
    ]) {
      const { read, calls } = rowSource(120, snapshots, undefined, failingTable(error));
      const danger = await read({ scope, query: { category: 'HOST', status: 'DANGER' } }, first(10));
      expect(danger.totalCount).toBeGreaterThan(0);
      expect(calls).toEqual(['category=host&limit=200&status=danger']);
    }
  });

  it('a refusal of the caller is the answer: no block is asked for', async () => {
    const refused = new HssError('FORBIDDEN', 'no', {
      upstream: { status: 403, errorCode: 'HSS.0013', requestId: null },
    });
    const { read, calls } = rowSource(120, snapshots, undefined, failingTable(refused));
    await expect(read({ scope, query: { category: 'HOST' } }, first(10))).rejects.toBe(refused);
    expect(calls).toEqual([]);
  });
});

describe('a drill-down lookup of a row just listed', () => {
  it('is answered from the row as listed, at no call, while its block would be served', async () => {
    let now = 0;
    const listed: RecentlyListed = {
      rows: new ListedRows(1_000_000),
      readerOf: () => 'shared',
      ttlMs: 60_000,
      servableMs: 120_000,
      now: () => now,
    };
    const { read, calls, operation } = rowSource(1200, snapshots, listed);
    const page = await read({ scope, query: { category: 'HOST', status: 'DANGER' } }, first(5));
    const shown = page.rows[2];
    if (!shown) throw new Error('no row shown');
    const before = calls.length;
    now = 90_000;
    const lookup = await read(
      { scope, query: { category: 'HOST', port: shown.port, type: shown.type } },
      first(200),
    );
    expect(lookup.rows).toEqual([shown]);
    expect(lookup.stale).toBe(true);
    expect(calls).toHaveLength(before);
    expect(operation.cachedBlocks).toBe(1);
    now = 130_000;
    await read({ scope, query: { category: 'HOST', port: shown.port, type: shown.type } }, first(200));
    expect(calls).toHaveLength(before + 1);
  });
});
