/**
 * The servers of the rows an answer shows, named for fetching ahead (quota/fetch-ahead.ts): the very
 * list a `servers` drill-down of the row reads first (no filter, its first block), so the click
 * finds it stored. Only a list's first rows, those a dashboard shows; ranked dangerous ports first
 * (where a security engineer looks), then by their place in the list.
 */
import type { PortServerData } from '../model/port-server.js';
import { MAX_FIRST } from '../paging/window.js';
import { blockCall, type ListCall } from '../rows/blocks.js';
import type { ReadStatistics } from '../rows/statistics-rows.js';
import { LIST_PORT_HOST } from '../upstream/hss-apis.js';
import { portServersParameters } from '../upstream/query-string.js';
import { readPortServersArguments } from './arguments.js';

/** Whoever fetches ahead, as the caller may: the request loader. */
export interface AheadOfCaller {
  ahead(shown: readonly { call: ListCall<PortServerData>; rank: number }[]): void;
}

/** `read`, telling `loads` of the host lists of the first `rows` rows of each list it reads. */
export function withServersAhead(read: ReadStatistics, loads: AheadOfCaller, rows: number): ReadStatistics {
  return async (list, window) => {
    const shown = await read(list, window);
    const { projectId, category, enterpriseProjectId } = list.scope;
    const lists: { call: ListCall<PortServerData>; rank: number }[] = [];
    shown.rows.slice(0, rows).forEach((row, place) => {
      // HSS may list port 0 (a socket with no port yet): it has no host list to ask for.
      if (!row || row.port < 1 || row.port > 65_535) return;
      const { query } = readPortServersArguments(
        {
          projectId,
          port: row.port,
          type: row.type,
          category: category ?? null,
          enterpriseProjectId: enterpriseProjectId ?? null,
        },
        undefined,
      );
      const call = blockCall({ api: LIST_PORT_HOST, projectId, parameters: portServersParameters(query) }, 0);
      lists.push({ call, rank: row.status === 'DANGER' ? place : MAX_FIRST + place });
    });
    if (lists.length > 0) loads.ahead(lists);
    return shown;
  };
}
