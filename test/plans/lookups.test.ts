/**
 * Lookups by id (`node`, `nodes`, `_entities`) planned in memory: which ListPortStatistics queries
 * a set of keys costs. The page loader is a scope's rows answering the query's filters and paging
 * as HSS does, recording every query; test/federation/entities.test.ts checks the same plans
 * against the emulator.
 */

import type {
  PortStatisticData,
  PortStatisticScope,
  PortStatisticsQuery,
} from '../../src/model/port-statistic.js';
import type { LoadPage } from '../../src/port-statistics/connection.js';
import { loadPortStatistics } from '../../src/port-statistics/load-entities.js';
import type { PortStatisticKey } from '../../src/port-statistics/node-id.js';
import { UPSTREAM_MAX_LIMIT } from '../../src/upstream/hss-apis.js';

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
  const load: LoadPage = async (s, query) => {
    asked.push({ projectId: s.projectId, query });
    if (failing.includes(s.projectId)) throw new Error(`HSS failed for ${s.projectId}`);
    const matching = (rowsByProject[s.projectId] ?? []).filter(
      (row) =>
        (query.port === undefined || row.port === query.port) &&
        (query.type === undefined || row.type === query.type),
    );
    const offset = query.offset ?? 0;
    return {
      totalNum: matching.length,
      rows: matching.slice(offset, offset + (query.limit ?? 10)),
      fetchedAt: 0,
      stale: false,
      source: 'call',
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

  it('50 ports of a scope of at most 200 rows: one page of 200 answers them all', async () => {
    const { asked, load } = loaderOver({ p: estate(100) });
    const keys = Array.from({ length: 50 }, (_, i) => key(i + 1, 'TCP'));
    const rows = await loadPortStatistics(keys, load);
    expect(asked.map((a) => a.query)).toEqual([{ category: 'HOST', limit: UPSTREAM_MAX_LIMIT }]);
    expect(rows.every((r) => r !== null && !(r instanceof Error))).toBe(true);
  });

  it('past the first page: the cheaper of the remaining pages or one query per missing port', async () => {
    // 450 rows: ports 1..100 are on the first page of 200; 2 pages remain.
    const pages = loaderOver({ p: estate(225) });
    await loadPortStatistics([key(1, 'TCP'), key(150, 'TCP'), key(160, 'UDP'), key(220, 'TCP')], pages.load);
    expect(pages.asked.map((a) => a.query)).toEqual([
      { category: 'HOST', limit: 200 },
      { category: 'HOST', limit: 200, offset: 200 },
      { category: 'HOST', limit: 200, offset: 400 },
    ]);
    // One port missing and 2 pages remaining: one query for that port.
    const byPort = loaderOver({ p: estate(225) });
    await loadPortStatistics([key(1, 'TCP'), key(150, 'TCP')], byPort.load);
    expect(byPort.asked.map((a) => a.query)).toEqual([
      { category: 'HOST', limit: 200 },
      { category: 'HOST', port: 150 },
    ]);
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
