/**
 * Turns the arguments of a servers list (`portServers`, `PortStatistic.servers`) into the
 * ListPortHost request they stand for, refusing anything outside HSS's ranges before any call.
 */

import { checkLength, checkRange } from '../errors/invalid-argument.js';
import type { PortServerScope, PortServersQuery, ServerProtocol } from '../model/port-server.js';
import type { CategoryName, ProtocolName } from '../model/port-statistic.js';
import { type RelayArguments, type RowWindow, relayWindow } from '../paging/window.js';
import { readProjectId } from '../port-statistics/project-id.js';

export interface PortServersArguments extends RelayArguments {
  projectId?: string | null;
  port: number;
  /** TCP6 and UDP6 ask for TCP and UDP: ListPortHost reports IPv6 sockets under them. */
  type?: ProtocolName | null;
  category?: CategoryName | null;
  enterpriseProjectId?: string | null;
  filter?: { hostName?: string | null; hostIp?: string | null } | null;
}

/** A validated servers request: its scope, its filters, and the rows it wants. */
export interface PortServersRequest extends RowWindow {
  scope: PortServerScope;
  /** Everything but paging. */
  query: PortServersQuery;
}

/** The protocol ListPortHost knows for a statistics row's: TCP6 is TCP, UDP6 is UDP. */
function serverProtocolOf(type: ProtocolName): ServerProtocol {
  return type.startsWith('TCP') ? 'TCP' : 'UDP';
}

// Lone surrogates never get this far: the whole request is refused first (use-well-formed-params.ts).
function text(argument: string, value: string): string {
  checkLength(argument, value, 1, 256);
  return value;
}

export function readPortServersArguments(
  args: PortServersArguments,
  defaultProjectId: string | undefined,
): PortServersRequest {
  const projectId = readProjectId(args.projectId, defaultProjectId);
  checkRange('port', args.port, 1, 65535);
  // ListPortHost needs a category; HSS's default is hosts.
  const category = args.category ?? 'HOST';
  const scope: PortServerScope = { projectId, category };
  const query: PortServersQuery = { port: args.port, category };
  if (args.type != null) query.type = serverProtocolOf(args.type);
  if (args.enterpriseProjectId != null) {
    query.enterpriseProjectId = scope.enterpriseProjectId = text(
      'enterpriseProjectId',
      args.enterpriseProjectId,
    );
  }
  if (args.filter?.hostName != null) query.hostName = text('filter.hostName', args.filter.hostName);
  if (args.filter?.hostIp != null) query.hostIp = text('filter.hostIp', args.filter.hostIp);
  return { scope, query, ...relayWindow(args) };
}
