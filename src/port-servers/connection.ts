/**
 * The servers with a port open, as a connection (src/paging/connection.ts), and a server found
 * again by its id: each row carries the scope that gives it its identity.
 */

import type { PortServerData, PortServerScope } from '../model/port-server.js';
import { type ConnectionShape, connectionOf } from '../paging/connection.js';
import type { ReadServers } from '../rows/server-rows.js';
import { UPSTREAM_MAX_LIMIT } from '../upstream/hss-apis.js';
import type { PortServersRequest } from './arguments.js';
import type { PortServerKey } from './node-id.js';

/** A server row as the GraphQL layer holds it. */
export interface PortServerRow extends PortServerData {
  scope: PortServerScope;
}

export async function loadPortServersConnection(
  request: PortServersRequest,
  read: ReadServers,
): Promise<ConnectionShape<PortServerRow>> {
  const { scope, query } = request;
  return connectionOf(await read(scope.projectId, query, request), (row) => ({ ...row, scope }));
}

/**
 * A server by its key: one ListPortHost call for its port, protocol and scope, narrowed by its
 * host's IP, and the row of the same host (and container) in it; null when it is gone.
 */
export async function loadPortServer(key: PortServerKey, read: ReadServers): Promise<PortServerRow | null> {
  const { scope } = key;
  const query = {
    port: key.port,
    type: key.type,
    category: scope.category,
    enterpriseProjectId: scope.enterpriseProjectId,
    hostIp: key.hostIp ?? undefined,
  };
  const { rows } = await read(scope.projectId, query, { first: UPSTREAM_MAX_LIMIT, offset: undefined });
  const row = rows.find(
    (r) =>
      r !== null && r.hostId === key.hostId && r.containerId === key.containerId && r.hostIp === key.hostIp,
  );
  return row ? { ...row, scope } : null;
}
