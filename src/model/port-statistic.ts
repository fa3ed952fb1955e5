/**
 * The domain of open-port statistics, in the gateway's own words. The upstream client speaks it to
 * the GraphQL layer; only src/upstream knows HSS's spellings.
 */
import type { UpstreamBlock } from './block.js';

export const PORT_PROTOCOLS = ['TCP', 'TCP6', 'UDP', 'UDP6'] as const;
export type ProtocolName = (typeof PORT_PROTOCOLS)[number];

export const PORT_RISK_STATUSES = ['DANGER', 'NORMAL', 'UNKNOWN'] as const;
export type RiskStatusName = (typeof PORT_RISK_STATUSES)[number];

export const ASSET_CATEGORIES = ['HOST', 'CONTAINER'] as const;
export type CategoryName = (typeof ASSET_CATEGORIES)[number];

export type SortDirectionName = 'ASC' | 'DESC';

/**
 * HSS project ids are 1 to 256 letters, digits, `-` and `_`. Anything else (`..`, `/`, a newline)
 * is refused before it can reach a URL path or a header.
 */
export const PROJECT_ID_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** One row of the statistics: a port and protocol, and on how many servers it is open. */
export interface PortStatisticData {
  port: number;
  type: ProtocolName;
  /** Servers on which the port is open. */
  num: number;
  status: RiskStatusName;
}

/** What identifies a row's population: the same row in the same scope is the same entity. */
export interface PortStatisticScope {
  projectId: string;
  /** Absent: the upstream's default enterprise project. */
  enterpriseProjectId?: string;
  /** Absent: hosts and containers together. */
  category?: CategoryName;
}

/** The filters and order of one ListPortStatistics call; every field is optional, as upstream. */
export interface PortStatisticsQuery {
  enterpriseProjectId?: string;
  category?: CategoryName;
  port?: number;
  portString?: string;
  type?: ProtocolName;
  status?: RiskStatusName;
  sortKey?: 'PORT';
  sortDirection?: SortDirectionName;
  /** 10..200 upstream. */
  limit?: number;
  /** 0..2,000,000 upstream; a record offset. */
  offset?: number;
}

/** One upstream block of ListPortStatistics. */
export type PortStatisticsBlock = UpstreamBlock<PortStatisticData>;
