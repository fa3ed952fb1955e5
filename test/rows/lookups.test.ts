/**
 * Lookups by id (`node`, `nodes`, `_entities`) planned in memory: which ListPortStatistics queries
 * a set of keys costs. The row source is a scope's rows answering the query's filters and window
 * as HSS would, recording every query; test/federation/entities.test.ts checks the same plans
 * against the emulator.
 */

import type {
  PortStatisticData,
  PortStatisticScope,
  PortStatisticsQuery,
} from '../../src/model/port-statistic.js';
import { loadPortStatistics } from '../../src/port-statistics/load-entities.js';
import type { PortStatisticKey } from '../../src/port-statistics/node-id.js';
import type { ReadStatistics } from '../../src/rows/statistics-rows.js';

const scope: PortStatisticScope = { projectId: 'p', category: 'HOST' };
const otherScope: PortStatisticScope = { projectId: 'q' };

/** TCP and UDP rows for ports 1..ports (2 × ports rows), in port order. */
function estate(ports: number): PortStatisticData[] {
  return Array.from({ length: ports }, (_, i) => i + 1).flatMap((port) => [
    { port, type: 'TCP' as const, num: 1, status: 'NORMAL' as const },
    { port, type: 'UDP' as const, num: 1, status: 'NORMAL' as const },
  ]);
}

function loaderOver(rowsByProject: Record<string, PortStatisticData[]>, failing: string[] = []) {
  const asked: { projectId: string; query: PortStatisticsQuery }[] = [];
  const load: ReadStatistics = async ({ scope: s, query }, window) => {
    const offset = window.offset ?? 0;
    asked.push({ projectId: s.projectId, query: window.offset === undefined ? query : { ...query, offset } });
    if (failing.includes(s.projectId)) throw new Error(`HSS failed for ${s.projectId}`);
    const matching = (rowsByProject[s.projectId] ?? []).filter(
      (row) =>
        (query.port === undefined || row.port === query.port) &&
        (query.type === undefined || row.type === query.type),
    );
    return {
      start: offset,
      rows: matching.slice(offset, offset + window.first),
      totalCount: matching.length,
      fetchedAt: 0,
      stale: false,
    };
  };
  return { asked, load };
}

const key = (port: number, type: 'TCP' | 'UDP', s = scope): PortStatisticKey => ({ scope: s, port, type });

describe('planning lookups by id', () => {
  it('one key: one query for exactly that port and protocol', async () => {
    const { asked, load } = loaderOver({ p: estate(5) });
    const [row] = await loadPortStatistics([key(3, 'UDP')], load);
    expect(asked).toEqual([{ projectId: 'p', query: { category: 'HOST', port: 3, type: 'UDP' } }]);
    expect(row).toEqual({ port: 3, type: 'UDP', num: 1, status: 'NORMAL', scope });
  });

  it('both protocols of one port: one query for the port', async () => {
    const { asked, load } = loaderOver({ p: estate(5) });
    const rows = await loadPortStatistics([key(2, 'TCP'), key(2, 'UDP')], load);
    expect(asked.map((a) => a.query)).toEqual([{ category: 'HOST', port: 2 }]);
    expect(rows.map((r) => (r && !(r instanceof Error) ? r.type : r))).toEqual(['TCP', 'UDP']);
  });

  it('50 ports of a scope of at most 200 rows: one block of 200 answers them all', async () => {
    const { asked, load } = loaderOver({ p: estate(100) });
    const keys = Array.from({ length: 50 }, (_, i) => key(i + 1, 'TCP'));
    const rows = await loadPortStatistics(keys, load);
    expect(asked.map((a) => a.query)).toEqual([{ category: 'HOST' }]);
    expect(rows.every((r) => r !== null && !(r instanceof Error))).toBe(true);
  });

  it('past the first block: the cheaper of the remaining blocks or one query per missing port', async () => {
    // 450 rows: ports 1..100 are in the first block of 200; 2 blocks remain.
    const pages = loaderOver({ p: estate(225) });
    await loadPortStatistics([key(1, 'TCP'), key(150, 'TCP'), key(160, 'UDP'), key(220, 'TCP')], pages.load);
    expect(pages.asked.map((a) => a.query)).toEqual([
      { category: 'HOST' },
      { category: 'HOST', offset: 200 },
      { category: 'HOST', offset: 400 },
    ]);
    // One port missing and 2 blocks remaining: one query for that port.
    const byPort = loaderOver({ p: estate(225) });
    await loadPortStatistics([key(1, 'TCP'), key(150, 'TCP')], byPort.load);
    expect(byPort.asked.map((a) => a.query)).toEqual([{ category: 'HOST' }, { category: 'HOST', port: 150 }]);
  });

  it('a row that is gone is null, and a scope that fails fails only its own keys', async () => {
    const { asked, load } = loaderOver({ p: estate(5), q: estate(5) }, ['q']);
    const [gone, found, failed] = await loadPortStatistics(
      [key(9, 'TCP'), key(1, 'TCP'), key(1, 'TCP', otherScope)],
      load,
    );
    expect(gone).toBeNull();
    expect(found).toMatchObject({ port: 1, type: 'TCP' });
    expect(failed).toEqual(new Error('HSS failed for q'));
    expect(asked.map((a) => a.projectId).sort()).toEqual(['p', 'q']);
  });
});
