/**
 * The row source of ListPortHost lists (the servers with a port open): the rows a window needs,
 * from the query's own blocks (host lists are per port: no snapshot holds them).
 */
import type { PortServerData, PortServersQuery } from '../model/port-server.js';
import type { RowsRead, RowWindow } from '../model/rows.js';
import { LIST_PORT_HOST } from '../upstream/hss-apis.js';
import { portServersParameters } from '../upstream/query-string.js';
import { type BlockLoads, readBlocks } from './blocks.js';

/** Reads the servers a window of a list holds. */
export type ReadServers = (
  projectId: string,
  query: PortServersQuery,
  window: RowWindow,
) => Promise<RowsRead<PortServerData>>;

export function serverRows(loads: BlockLoads): ReadServers {
  return (projectId, query, window) =>
    readBlocks(window, { api: LIST_PORT_HOST, projectId, parameters: portServersParameters(query) }, loads);
}
