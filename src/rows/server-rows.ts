/**
 * The row source of ListPortHost lists (the servers with a port open): the rows a window needs,
 * from the query's own blocks (host lists are per port: no snapshot holds them).
 */
import type { PortServerData, PortServersQuery } from '../model/port-server.js';
import type { RowsRead, RowWindow } from '../model/rows.js';
import { LIST_PORT_HOST, UPSTREAM_MAX_LIMIT } from '../upstream/hss-apis.js';
import { portServersParameters } from '../upstream/query-string.js';
import { readBlocks } from './blocks.js';
import type { RowLoads } from './request-loader.js';

/** Reads the servers a window of a list holds. */
export type ReadServers = (
  projectId: string,
  query: PortServersQuery,
  window: RowWindow,
) => Promise<RowsRead<PortServerData>>;

export function serverRows(loader: RowLoads): ReadServers {
  return (projectId, query, window) =>
    readBlocks(window, (offset) => {
      const paging = { limit: UPSTREAM_MAX_LIMIT, offset: offset > 0 ? offset : undefined };
      return loader.block(LIST_PORT_HOST, projectId, portServersParameters({ ...query, ...paging }));
    });
}
