/**
 * Reads the query string of `GET /v5/{project_id}/asset/ports/detail` (ListPortHost) as the
 * vendor's SDK models describe it (docs/upstream.md), with the same rules and messages as the
 * statistics call's.
 */
import type { UpstreamCategory } from './dataset.js';
import * as parameter from './query-parameters.js';

/** The protocols ListPortHost knows; it has no TCP6 or UDP6. */
export type PortHostProtocol = 'TCP' | 'UDP';

export interface PortHostQuery {
  port: number;
  category: UpstreamCategory;
  /** Absent: the TCP and the UDP servers of the port together. */
  type?: PortHostProtocol;
  enterpriseProjectId: string;
  /** Case-insensitive substring of the host name. */
  hostName?: string;
  /** Substring of the host IP. */
  hostIp?: string;
  limit: number;
  offset: number;
}

const KNOWN = new Set([
  'port',
  'category',
  'type',
  'enterprise_project_id',
  'host_name',
  'host_ip',
  'limit',
  'offset',
]);

/** Parses and range-checks every documented parameter; unknown parameters are ignored, as HSS does. */
export function parsePortHostQuery(params: URLSearchParams): parameter.QueryParseResult<PortHostQuery> {
  return parameter.readQuery(params, KNOWN, (get) => {
    const port = get('port');
    if (port === undefined) throw new parameter.InvalidParameter('port is required');
    const query: PortHostQuery = {
      port: parameter.integer('port', port, 1, 65535),
      // Required by the SDK model, yet with a default: HSS reads its absence as `host`.
      category: parameter.oneOf('category', get('category') ?? 'host', ['host', 'container'] as const),
      enterpriseProjectId: parameter.text(
        'enterprise_project_id',
        get('enterprise_project_id') ?? '0',
        1,
        256,
      ),
      limit: parameter.integer('limit', get('limit') ?? '10', 10, 200),
      offset: parameter.integer('offset', get('offset') ?? '0', 0, 2_000_000),
    };
    const type = get('type');
    if (type !== undefined) query.type = parameter.oneOf('type', type, ['TCP', 'UDP'] as const);
    const hostName = get('host_name');
    if (hostName !== undefined) query.hostName = parameter.text('host_name', hostName, 1, 256);
    const hostIp = get('host_ip');
    if (hostIp !== undefined) query.hostIp = parameter.text('host_ip', hostIp, 1, 256);
    return query;
  });
}
