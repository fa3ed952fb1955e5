/**
 * The drill-down of open-port statistics in the gateway's own words: which servers have a port
 * open (HSS ListPortHost, `GET /v5/{project_id}/asset/ports/detail`). Only src/upstream knows HSS's
 * spellings.
 */
import type { CategoryName, RiskStatusName } from './port-statistic.js';

/** ListPortHost knows only TCP and UDP: IPv6 sockets are reported under them. */
export const SERVER_PROTOCOLS = ['TCP', 'UDP'] as const;
export type ServerProtocol = (typeof SERVER_PROTOCOLS)[number];

/** One server (host or container) on which a port is open. HSS marks every field optional. */
export interface PortServerData {
  port: number;
  type: ServerProtocol;
  hostId: string | null;
  hostName: string | null;
  hostIp: string | null;
  /** The listening address: `0.0.0.0` (or `::`) means every interface. */
  listenAddress: string | null;
  /** Absolute path of the listening process's executable. */
  processPath: string | null;
  /** null where HSS says 0: no process. */
  pid: number | null;
  status: RiskStatusName | null;
  containerId: string | null;
  containerName: string | null;
  agentId: string | null;
}

/** The servers of which scope: ListPortHost needs a category (HSS's default: hosts). */
export interface PortServerScope {
  projectId: string;
  /** Absent: the upstream's default enterprise project. */
  enterpriseProjectId?: string;
  category: CategoryName;
}

/** The parameters of one ListPortHost call; absent ones are not sent. */
export interface PortServersQuery {
  port: number;
  category: CategoryName;
  type?: ServerProtocol;
  enterpriseProjectId?: string;
  hostName?: string;
  hostIp?: string;
  /** 10..200 upstream. */
  limit?: number;
  /** 0..2,000,000 upstream. */
  offset?: number;
}
