/**
 * The one translation from the domain's query to HSS's query string: snake_case names, HSS's value
 * spellings, and nothing the caller did not give.
 */

import { escapeUriComponent } from '../credentials/aksk-signer.js';
import type { PortServersQuery } from '../model/port-server.js';
import type { PortStatisticsQuery } from '../model/port-statistic.js';

/**
 * The query parameters of ListPortStatistics in a fixed (alphabetical) order, so the same query
 * always yields the same string: it doubles as the canonical form for deduplication.
 */
export function portStatisticsParameters(query: PortStatisticsQuery): [name: string, value: string][] {
  const entries: [string, string | undefined][] = [
    ['category', query.category?.toLowerCase()],
    ['enterprise_project_id', query.enterpriseProjectId],
    ['limit', query.limit?.toString()],
    ['offset', query.offset?.toString()],
    ['port', query.port?.toString()],
    ['port_string', query.portString],
    ['sort_dir', query.sortDirection?.toLowerCase()],
    ['sort_key', query.sortKey?.toLowerCase()],
    ['status', query.status?.toLowerCase()],
    ['type', query.type],
  ];
  return entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
}

/** `a=1&b=2`, escaped as {@link escapeUriComponent}; empty for no parameters. */
export function formatQueryString(parameters: readonly (readonly [string, string])[]): string {
  return parameters
    .map(([name, value]) => `${escapeUriComponent(name)}=${escapeUriComponent(value)}`)
    .join('&');
}

/** The URL path of ListPortStatistics for a project; the id is a path segment, so it is escaped. */
export function portStatisticsPath(projectId: string): string {
  return `/v5/${escapeUriComponent(projectId)}/asset/port/statistics`;
}

/** The query parameters of ListPortHost, in the same fixed (alphabetical) order. */
export function portServersParameters(query: PortServersQuery): [name: string, value: string][] {
  const entries: [string, string | undefined][] = [
    ['category', query.category.toLowerCase()],
    ['enterprise_project_id', query.enterpriseProjectId],
    ['host_ip', query.hostIp],
    ['host_name', query.hostName],
    ['limit', query.limit?.toString()],
    ['offset', query.offset?.toString()],
    ['port', String(query.port)],
    ['type', query.type],
  ];
  return entries.filter((entry): entry is [string, string] => entry[1] !== undefined);
}

/** The URL path of ListPortHost for a project. */
export function portServersPath(projectId: string): string {
  return `/v5/${escapeUriComponent(projectId)}/asset/ports/detail`;
}
