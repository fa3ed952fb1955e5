/**
 * The emulator's deterministic demo data: open-port statistics per project, enterprise project and
 * asset category, generated from a seed so every run (and every test) sees the same rows.
 *
 * A port's risk status belongs to the port and protocol, not to the scope that reports it (HSS rates
 * ports from one catalogue), so merged views (no category, or `all_granted_eps`) stay consistent.
 */

import { HSS_MAX_TOTAL } from '../upstream/hss-apis.js';

export type UpstreamProtocol = 'TCP' | 'TCP6' | 'UDP' | 'UDP6';
export type UpstreamStatus = 'danger' | 'normal' | 'unknown';
export type UpstreamCategory = 'host' | 'container';

/** One row exactly as HSS answers it in `data_list`. */
export interface UpstreamPortRow {
  port: number;
  type: UpstreamProtocol;
  num: number;
  status: UpstreamStatus;
}

/** Enterprise projects every emulated project has; `0` is the default one, as in HSS. */
export const DEMO_ENTERPRISE_PROJECTS = ['0', 'ep-production', 'ep-staging'] as const;

/**
 * Servers in each (project, enterprise project, category) scope: a row's `num` counts servers of
 * this fleet, so it never exceeds it (the generator's weights stay at or under 1), and ListPortHost
 * can name that many distinct servers. Containers outnumber hosts.
 */
export const FLEET_SIZE: Readonly<Record<UpstreamCategory, number>> = { host: 40, container: 160 };

/** Rows per (project, enterprise project, category) unless configured otherwise. */
export const DEFAULT_ROWS_PER_SCOPE = 120;
/** HSS's documented ceiling for `total_num`. */
export const MAX_ROWS_PER_SCOPE = HSS_MAX_TOTAL;

interface KnownPort {
  port: number;
  type: UpstreamProtocol;
  status: UpstreamStatus;
  /** Where the port typically shows up; drives how often a scope has it open. */
  seenOn: 'host' | 'container' | 'both';
}

// Ports a security team actually looks at: remote administration and databases exposed to the
// network rate as dangerous, the usual web and mail services as normal.
const KNOWN_PORTS: readonly KnownPort[] = [
  { port: 21, type: 'TCP', status: 'danger', seenOn: 'host' },
  { port: 22, type: 'TCP', status: 'normal', seenOn: 'both' },
  { port: 22, type: 'TCP6', status: 'normal', seenOn: 'host' },
  { port: 23, type: 'TCP', status: 'danger', seenOn: 'host' },
  { port: 25, type: 'TCP', status: 'normal', seenOn: 'host' },
  { port: 53, type: 'UDP', status: 'normal', seenOn: 'both' },
  { port: 53, type: 'TCP', status: 'normal', seenOn: 'host' },
  { port: 69, type: 'UDP', status: 'danger', seenOn: 'host' },
  { port: 80, type: 'TCP', status: 'normal', seenOn: 'both' },
  { port: 80, type: 'TCP6', status: 'normal', seenOn: 'host' },
  { port: 111, type: 'TCP', status: 'danger', seenOn: 'host' },
  { port: 111, type: 'UDP', status: 'danger', seenOn: 'host' },
  { port: 123, type: 'UDP', status: 'danger', seenOn: 'host' },
  { port: 123, type: 'UDP6', status: 'danger', seenOn: 'host' },
  { port: 135, type: 'TCP', status: 'danger', seenOn: 'host' },
  { port: 137, type: 'UDP', status: 'danger', seenOn: 'host' },
  { port: 139, type: 'TCP', status: 'danger', seenOn: 'host' },
  { port: 161, type: 'UDP', status: 'danger', seenOn: 'host' },
  { port: 443, type: 'TCP', status: 'normal', seenOn: 'both' },
  { port: 443, type: 'TCP6', status: 'normal', seenOn: 'host' },
  { port: 445, type: 'TCP', status: 'danger', seenOn: 'host' },
  { port: 546, type: 'UDP6', status: 'normal', seenOn: 'host' },
  { port: 993, type: 'TCP', status: 'normal', seenOn: 'host' },
  { port: 1433, type: 'TCP', status: 'danger', seenOn: 'both' },
  { port: 2375, type: 'TCP', status: 'danger', seenOn: 'host' },
  { port: 2379, type: 'TCP', status: 'danger', seenOn: 'container' },
  { port: 3000, type: 'TCP', status: 'unknown', seenOn: 'container' },
  { port: 3306, type: 'TCP', status: 'danger', seenOn: 'both' },
  { port: 3389, type: 'TCP', status: 'danger', seenOn: 'host' },
  { port: 5432, type: 'TCP', status: 'danger', seenOn: 'both' },
  { port: 5900, type: 'TCP', status: 'danger', seenOn: 'host' },
  { port: 6379, type: 'TCP', status: 'danger', seenOn: 'both' },
  { port: 6443, type: 'TCP', status: 'normal', seenOn: 'container' },
  { port: 8080, type: 'TCP', status: 'normal', seenOn: 'both' },
  { port: 8443, type: 'TCP', status: 'normal', seenOn: 'both' },
  { port: 9090, type: 'TCP', status: 'unknown', seenOn: 'container' },
  { port: 9100, type: 'TCP', status: 'normal', seenOn: 'container' },
  { port: 9200, type: 'TCP', status: 'danger', seenOn: 'both' },
  { port: 10250, type: 'TCP', status: 'danger', seenOn: 'container' },
  { port: 11211, type: 'TCP', status: 'danger', seenOn: 'host' },
  { port: 11211, type: 'UDP', status: 'danger', seenOn: 'host' },
  { port: 27017, type: 'TCP', status: 'danger', seenOn: 'both' },
];

const KNOWN_STATUS = new Map(KNOWN_PORTS.map((k) => [rowKey(k.port, k.type), k.status]));
const PROTOCOLS: readonly UpstreamProtocol[] = ['TCP', 'TCP', 'TCP', 'UDP', 'TCP6', 'UDP6'];

function rowKey(port: number, type: UpstreamProtocol): string {
  return `${port}/${type}`;
}

/** FNV-1a: a stable 32-bit seed from a scope's name. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: small, fast, and good enough for demo data. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Ports outside the catalogue: mostly without known risk, a few flagged either way. */
function statusOfUncataloguedPort(port: number, type: UpstreamProtocol): UpstreamStatus {
  const h = hash(rowKey(port, type)) % 20;
  return h === 0 ? 'danger' : h < 4 ? 'normal' : 'unknown';
}

/** The risk status HSS gives a port and protocol, the same in every scope. */
function statusOf(port: number, type: UpstreamProtocol): UpstreamStatus {
  return KNOWN_STATUS.get(rowKey(port, type)) ?? statusOfUncataloguedPort(port, type);
}

function compareRows(a: UpstreamPortRow, b: UpstreamPortRow): number {
  return a.port - b.port || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0);
}

/**
 * The rows of one (project, enterprise project, category) scope, sorted by port then protocol.
 * @param size rows wanted, 0..10,000
 */
export function generateScopeRows(
  projectId: string,
  enterpriseProjectId: string,
  category: UpstreamCategory,
  size: number,
  /** The estate's renewals (the emulator's `estate/renew`): 0, the documented demo estate. */
  generation = 0,
): UpstreamPortRow[] {
  const seed = `${projectId}\u0000${enterpriseProjectId}\u0000${category}`;
  const next = random(hash(generation === 0 ? seed : `${seed}\u0000${generation}`));
  const servers = FLEET_SIZE[category];
  const rows = new Map<string, UpstreamPortRow>();
  const add = (port: number, type: UpstreamProtocol, weight: number) => {
    const key = rowKey(port, type);
    if (rows.size >= size || rows.has(key)) return;
    // weight <= 1, so num <= the fleet: ListPortHost must be able to name every server counted.
    const num = Math.max(1, Math.round(next() * servers * weight));
    rows.set(key, { port, type, num, status: statusOf(port, type) });
  };
  for (const known of KNOWN_PORTS) {
    const likely = known.seenOn === 'both' || known.seenOn === category;
    if (next() < (likely ? 0.85 : 0.1)) add(known.port, known.type, likely ? 0.6 : 0.1);
  }
  // Fill with ephemeral and application ports; the attempt bound keeps a tiny port space finite.
  for (let attempt = 0; rows.size < size && attempt < size * 20; attempt++) {
    const port = 1024 + Math.floor(next() * (65536 - 1024));
    const type = PROTOCOLS[Math.floor(next() * PROTOCOLS.length)] ?? 'TCP';
    add(port, type, 0.08);
  }
  return [...rows.values()].sort(compareRows);
}

/** Several scopes seen as one: rows of the same port and protocol add up their server counts. */
export function mergeRows(parts: readonly (readonly UpstreamPortRow[])[]): UpstreamPortRow[] {
  if (parts.length === 1) return [...(parts[0] ?? [])];
  const merged = new Map<string, UpstreamPortRow>();
  for (const part of parts) {
    for (const row of part) {
      const key = rowKey(row.port, row.type);
      const seen = merged.get(key);
      if (seen) seen.num += row.num;
      else merged.set(key, { ...row });
    }
  }
  return [...merged.values()].sort(compareRows);
}
