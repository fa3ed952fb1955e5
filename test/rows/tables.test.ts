/**
 * Snapshots in memory: how a table's size decides what is asked for. readTable is the one place
 * that knows a table's size, from its first block as stored (however old) or as fetched; a table
 * that fits is read as its first blocks together, one that does not costs its first block once,
 * and then nothing until that block leaves the cache. HSS's answers are the emulator's dataset.
 */
import type { FetchedBlock } from '../../src/model/block.js';
import type { PortStatisticData } from '../../src/model/port-statistic.js';
import type { ListCall } from '../../src/rows/blocks.js';
import { readTable, type TableSource } from '../../src/rows/tables.js';
import { type AnswerOf, datasetAnswers, rowLoads, statisticsCall } from '../helpers/in-memory-rows.js';

/** The hosts of project p: `rows` rows in one scope. */
const HOSTS = statisticsCall('p', [['category', 'host']]);
const MAX_BLOCKS = 5;

describe('a table`s size decides what is asked for', () => {
  it('a table seen for the first time: its first block tells its size, then all its blocks together', async () => {
    const { answer, calls } = datasetAnswers(300);
    const { loads: source, asked } = rowLoads(answer);
    const snapshot = await readTable(source, HOSTS, MAX_BLOCKS);
    expect(asked).toEqual([[0], [0, 200]]);
    expect(snapshot?.rows).toHaveLength(300);
    expect(snapshot?.blocks).toBe(2);
    expect(calls).toEqual([
      'category=host&limit=200',
      'category=host&limit=200',
      'category=host&limit=200&offset=200',
    ]);
  });

  it('a table whose size is stored: all its blocks together, at once', async () => {
    const { answer } = datasetAnswers(300);
    const { loads: source, asked } = rowLoads(answer);
    await readTable(source, HOSTS, MAX_BLOCKS);
    asked.length = 0;
    const again = await readTable(source, HOSTS, MAX_BLOCKS);
    expect(asked).toEqual([[0, 200]]);
    expect(again?.rows).toHaveLength(300);
  });

  it('a table too large: its first block, once; then, while that block is stored, nothing at all', async () => {
    const { answer, calls } = datasetAnswers(1500);
    const { loads: source, asked } = rowLoads(answer);
    expect(await readTable(source, HOSTS, MAX_BLOCKS)).toBeUndefined();
    expect(asked).toEqual([[0]]);
    for (let renewal = 0; renewal < 3; renewal++) {
      expect(await readTable(source, HOSTS, MAX_BLOCKS)).toBeUndefined();
    }
    expect(asked).toEqual([[0]]);
    expect(calls).toEqual(['category=host&limit=200']);
  });

  it('exactly SNAPSHOT_MAX_PAGES blocks fit; one row more does not', async () => {
    const fits = rowLoads(datasetAnswers(1000).answer);
    expect((await readTable(fits.loads, HOSTS, 5))?.rows).toHaveLength(1000);
    const over = rowLoads(datasetAnswers(1001).answer);
    expect(await readTable(over.loads, HOSTS, 5)).toBeUndefined();
    expect(over.asked).toEqual([[0]]);
  });

  it('a table that grew past a snapshot since it was stored: the blocks its stored size names, then no more', async () => {
    let rows = 300;
    const growing: AnswerOf = (projectId, parameters) => datasetAnswers(rows).answer(projectId, parameters);
    const { loads: source, asked } = rowLoads(growing);
    await readTable(source, HOSTS, MAX_BLOCKS);
    rows = 1200;
    asked.length = 0;
    expect(await readTable(source, HOSTS, MAX_BLOCKS)).toBeUndefined();
    expect(asked).toEqual([[0, 200]]);
  });

  it('a table that grew within a snapshot: its further blocks, and the snapshot has them all', async () => {
    let rows = 150;
    const growing: AnswerOf = (projectId, parameters) => datasetAnswers(rows).answer(projectId, parameters);
    const { loads: source, asked } = rowLoads(growing);
    expect((await readTable(source, HOSTS, MAX_BLOCKS))?.rows).toHaveLength(150);
    rows = 450;
    asked.length = 0;
    expect((await readTable(source, HOSTS, MAX_BLOCKS))?.rows).toHaveLength(450);
    expect(asked).toEqual([[0], [0, 200, 400]]);
  });
});

describe('a snapshot is whole or it is not one', () => {
  /** A source whose blocks are given outright. */
  const sourceOf = (blocks: FetchedBlock<PortStatisticData>[]): TableSource => ({
    blocks: async <Row>(calls: ListCall<Row>[]) =>
      calls.map((_, i) => blocks[i] as unknown as FetchedBlock<Row>),
    stored: async <Row>() => ({ block: blocks[0] as unknown as FetchedBlock<Row>, fetchedAt: 0 }),
    keepVersion: async () => undefined,
    keptVersion: async () => undefined,
  });
  const row = (port: number): PortStatisticData => ({ port, type: 'TCP', num: 1, status: 'NORMAL' });
  const block = (totalNum: number, ports: number[], fetchedAt = 0): FetchedBlock<PortStatisticData> => ({
    totalNum,
    rows: ports.map(row),
    fetchedAt,
    stale: false,
    source: 'cache',
  });
  const ports = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  it('a row listed in two blocks (the table moved between two calls) is one row: the table falls short, no snapshot', async () => {
    const moved = sourceOf([block(250, ports(1, 200)), block(250, [200, ...ports(201, 49)])]);
    expect(await readTable(moved, HOSTS, MAX_BLOCKS)).toBeUndefined();
  });

  it('rows HSS counted but did not list: no snapshot, rather than wrong totals', async () => {
    const short = sourceOf([block(250, ports(1, 200)), block(250, ports(201, 30))]);
    expect(await readTable(short, HOSTS, MAX_BLOCKS)).toBeUndefined();
  });

  it('whole: its rows in order, each once, as old as its oldest block, named by its content', async () => {
    const whole = sourceOf([block(250, ports(1, 200), 2_000), block(250, ports(201, 50), 1_000)]);
    const snapshot = await readTable(whole, HOSTS, MAX_BLOCKS);
    expect(snapshot?.rows.map((r) => r.port)).toEqual(ports(1, 250));
    expect(snapshot?.fetchedAt).toBe(1_000);
    const same = await readTable(sourceOf([block(250, ports(1, 200)), block(250, ports(201, 50))]), HOSTS, 5);
    expect(same?.tag).toBe(snapshot?.tag);
  });
});

describe('a cursor`s snapshot is read again while it is kept', () => {
  it('the version a cursor names, after the table changed: its rows, marked stale', async () => {
    let rows = 120;
    let now = 1_000;
    const changing: AnswerOf = (projectId, parameters) =>
      datasetAnswers(rows, () => now).answer(projectId, parameters);
    const { loads: source } = rowLoads(changing);
    const first = await readTable(source, HOSTS, MAX_BLOCKS);
    rows = 130;
    now = 61_000;
    const current = await readTable(source, HOSTS, MAX_BLOCKS);
    expect(current?.tag).not.toBe(first?.tag);
    const pinned = await readTable(source, HOSTS, MAX_BLOCKS, first?.tag);
    expect(pinned?.rows).toEqual(first?.rows);
    expect(pinned?.tag).toBe(first?.tag);
    expect(pinned?.stale).toBe(true);
    // A version no longer kept: the current table.
    expect((await readTable(source, HOSTS, MAX_BLOCKS, 'AAAAAAAAAAAA'))?.tag).toBe(current?.tag);
  });
});
