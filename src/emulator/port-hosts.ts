/**
 * What HSS answers to ListPortHost: the servers of a scope with a port open, drawn from the same
 * demo estate as the statistics so the two APIs agree. A statistics row (port P, protocol T, `num`
 * k) of a scope stands for k distinct servers of that scope's fleet, picked by a generator seeded
 * with the scope, P and T; ListPortHost for P and T in that scope answers exactly those k servers,
 * so its `total_num` is the row's `num`. With `all_granted_eps` it answers each enterprise
 * project's servers (distinct fleets), as the statistics add up each enterprise project's `num`.
 *
 * ListPortHost has no TCP6 or UDP6: HSS reports IPv6 sockets under TCP and UDP. So a TCP6 row's
 * servers are what the API answers for TCP: when the scope has a TCP row for the port too, the TCP
 * answer is that row's servers (its `num` is the count that must match) and the first of them, as
 * many as the TCP6 row counts (at most all), listen on IPv6 too and show an IPv6 `laddr`; when
 * there is only a TCP6 row, the TCP answer is its servers, all on IPv6. Likewise UDP6 for UDP.
 *
 * Only the servers of the asked port are built, per call: at most 2 protocols x 3 enterprise
 * projects x 160 containers, so nothing is kept between calls.
 */
import { FLEET_SIZE, hash, random, type UpstreamCategory, type UpstreamPortRow } from './dataset.js';
import { type FleetServer, fleetServer } from './fleet.js';
import { listenerOf } from './listener.js';
import type { PortHostProtocol, PortHostQuery } from './port-host-query.js';
import { enterpriseProjectsIn, type PortStatisticsDataset } from './select.js';

/** One row of ListPortHost's `data_list`, as HSS spells it. */
export interface UpstreamPortHostRow {
  host_id: string;
  host_name: string;
  host_ip: string;
  agent_id: string;
  /** Container rows only. */
  container_id?: string;
  /** Container rows only. */
  container_name?: string;
  laddr: string;
  path: string;
  pid: number;
  port: number;
  type: PortHostProtocol;
  status: UpstreamPortRow['status'];
}

/** The 200 body of ListPortHost. */
export interface PortHostAnswer {
  total_num: number;
  data_list: UpstreamPortHostRow[];
}

const PROTOCOLS: readonly PortHostProtocol[] = ['TCP', 'UDP'];

/**
 * `count` distinct server indexes of a fleet of `fleetSize`, in a seeded order (a partial
 * Fisher-Yates shuffle): the same seed always picks the same servers.
 */
function pickServers(seed: number, count: number, fleetSize: number): number[] {
  if (!Number.isInteger(count) || count < 0 || count > fleetSize) {
    throw new RangeError(`a row can count 0 to ${fleetSize} servers of its fleet; got num ${count}`);
  }
  const next = random(seed);
  const order = Array.from({ length: fleetSize }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(next() * (fleetSize - i));
    const picked = order[j] as number;
    order[j] = order[i] as number;
    order[i] = picked;
  }
  return order.slice(0, count);
}

function rowOf(
  server: FleetServer,
  counted: UpstreamPortRow,
  type: PortHostProtocol,
  ipv6: boolean,
): UpstreamPortHostRow {
  const { host, container } = server;
  return {
    host_id: host.hostId,
    host_name: host.hostName,
    host_ip: host.hostIp,
    agent_id: host.agentId,
    // Host rows have no container fields: undefined ones are left out of the JSON.
    container_id: container?.containerId,
    container_name: container?.containerName,
    ...listenerOf(server, counted.port, type, ipv6),
    port: counted.port,
    type,
    // The status of the statistics row these servers are counted in, as the drill-down came from it.
    status: counted.status,
  };
}

/** The servers of one scope listening on `rows`' port with `type`, per the rules above. */
function serversOf(
  projectId: string,
  eps: string,
  category: UpstreamCategory,
  rows: readonly UpstreamPortRow[],
  type: PortHostProtocol,
): UpstreamPortHostRow[] {
  const ipv4 = rows.find((r) => r.type === type);
  const ipv6 = rows.find((r) => r.type === `${type}6`);
  const counted = ipv4 ?? ipv6;
  if (!counted) return [];
  const onIpv6 = ipv4 ? Math.min(ipv6?.num ?? 0, ipv4.num) : counted.num;
  const seed = hash(`${projectId}\u0000${eps}\u0000${category}\u0000${counted.port}\u0000${counted.type}`);
  return pickServers(seed, counted.num, FLEET_SIZE[category]).map((index, order) =>
    rowOf(fleetServer(projectId, eps, category, index), counted, type, order < onIpv6),
  );
}

// Code-unit order, not the locale's: the answer must be the same on every machine.
const compareText = (a = '', b = '') => (a < b ? -1 : a > b ? 1 : 0);

/** By host name, then container name, then protocol; the ids settle the rest. */
function compareHostRows(a: UpstreamPortHostRow, b: UpstreamPortHostRow): number {
  return (
    compareText(a.host_name, b.host_name) ||
    compareText(a.container_name, b.container_name) ||
    compareText(a.type, b.type) ||
    compareText(a.host_id, b.host_id) ||
    compareText(a.container_id, b.container_id)
  );
}

function matchesHostFilters(row: UpstreamPortHostRow, query: PortHostQuery): boolean {
  if (query.hostName !== undefined && !row.host_name.toLowerCase().includes(query.hostName.toLowerCase()))
    return false;
  return query.hostIp === undefined || row.host_ip.includes(query.hostIp);
}

/** ListPortHost over the statistics' demo estate; see the file's comment for how they agree. */
export class PortHostDirectory {
  constructor(private readonly statistics: PortStatisticsDataset) {}

  /** The ListPortHost answer to a parsed query, for a caller granted `granted` enterprise projects. */
  answer(projectId: string, query: PortHostQuery, granted?: readonly string[]): PortHostAnswer {
    const { port, category } = query;
    const protocols = query.type ? [query.type] : PROTOCOLS;
    const matches = enterpriseProjectsIn(query.enterpriseProjectId, granted)
      .flatMap((eps) => {
        const rows = this.statistics.rowsOfPort(projectId, eps, category, port);
        return protocols.flatMap((type) => serversOf(projectId, eps, category, rows, type));
      })
      .filter((row) => matchesHostFilters(row, query))
      .sort(compareHostRows);
    return { total_num: matches.length, data_list: matches.slice(query.offset, query.offset + query.limit) };
  }
}
