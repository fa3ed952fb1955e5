/**
 * The servers with a port open, as a connection (src/paging/connection.ts), and a server found
 * again by its id: each row carries the scope that gives it its identity.
 */

import type { PortServerData, PortServerScope, PortServersQuery } from '../model/port-server.js';
import { type ConnectionShape, loadConnection } from '../paging/connection.js';
import type { FetchedBlock } from '../quota/block-request.js';
import { UPSTREAM_MAX_LIMIT } from '../upstream/hss-apis.js';
import type { PortServersRequest } from './arguments.js';
import type { PortServerKey } from './node-id.js';

/** Loads the servers HSS answers a query with; in the gateway, the request's loader. */
export type LoadServersPage = (
  projectId: string,
  query: PortServersQuery,
) => Promise<FetchedBlock<PortServerData>>;

/** A server row as the GraphQL layer holds it. */
export interface PortServerRow extends PortServerData {
  scope: PortServerScope;
}

export function loadPortServersConnection(
  request: PortServersRequest,
  load: LoadServersPage,
): Promise<ConnectionShape<PortServerRow>> {
  return loadConnection(
    request,
    (slice) => load(request.scope.projectId, { ...request.query, ...slice }),
    (row: PortServerData) => ({ ...row, scope: request.scope }),
  );
}

/**
 * A server by its key: one ListPortHost call for its port, protocol and scope, narrowed by its
 * host's IP, and the row of the same host (and container) in it; null when it is gone.
 */
export async function loadPortServer(
  key: PortServerKey,
  load: LoadServersPage,
): Promise<PortServerRow | null> {
  const { scope } = key;
  const page = await load(scope.projectId, {
    port: key.port,
    type: key.type,
    category: scope.category,
    enterpriseProjectId: scope.enterpriseProjectId,
    hostIp: key.hostIp ?? undefined,
    limit: UPSTREAM_MAX_LIMIT,
  });
  const row = page.rows.find(
    (r) =>
      r !== null && r.hostId === key.hostId && r.containerId === key.containerId && r.hostIp === key.hostIp,
  );
  return row ? { ...row, scope } : null;
}
