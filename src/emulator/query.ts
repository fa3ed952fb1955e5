/**
 * Reads the query string of `GET /v5/{project_id}/asset/port/statistics` the way the vendor's page
 * documents it, and says precisely what is wrong when it is not.
 */
import type { UpstreamCategory, UpstreamProtocol, UpstreamStatus } from './dataset.js';
import {
  InvalidParameter,
  integer,
  oneOf,
  type QueryParseResult,
  readQuery,
  text,
} from './query-parameters.js';

export interface StatisticsParameters {
  enterpriseProjectId: string;
  category?: UpstreamCategory;
  sortDir: 'asc' | 'desc';
  sortKey?: 'port';
  limit: number;
  offset: number;
  port?: number;
  portString?: string;
  type?: UpstreamProtocol;
  status?: UpstreamStatus;
}

export type ParseResult = QueryParseResult<StatisticsParameters>;

const KNOWN = new Set([
  'enterprise_project_id',
  'category',
  'sort_dir',
  'limit',
  'offset',
  'port',
  'port_string',
  'type',
  'status',
  'sort_key',
]);

/** Parses and range-checks every documented parameter; unknown parameters are ignored, as HSS does. */
export function parsePortStatisticsQuery(params: URLSearchParams): ParseResult {
  return readQuery(params, KNOWN, (get) => {
    const query: StatisticsParameters = {
      enterpriseProjectId: text('enterprise_project_id', get('enterprise_project_id') ?? '0', 1, 256),
      sortDir: oneOf('sort_dir', get('sort_dir') ?? 'asc', ['asc', 'desc'] as const),
      limit: integer('limit', get('limit') ?? '10', 10, 200),
      offset: integer('offset', get('offset') ?? '0', 0, 2_000_000),
    };
    const category = get('category');
    if (category !== undefined) query.category = oneOf('category', category, ['host', 'container'] as const);
    const sortKey = get('sort_key');
    if (sortKey !== undefined) query.sortKey = oneOf('sort_key', sortKey, ['port'] as const);
    const port = get('port');
    if (port !== undefined) query.port = integer('port', port, 1, 65535);
    const portString = get('port_string');
    if (portString !== undefined) {
      // Documented as a string whose value ranges over 1..65535: digits only, like a port number.
      if (!/^\d{1,5}$/.test(portString)) throw new InvalidParameter('port_string must be 1 to 5 digits');
      integer('port_string', portString, 1, 65535);
      query.portString = portString;
    }
    const type = get('type');
    if (type !== undefined) query.type = oneOf('type', type, ['UDP', 'UDP6', 'TCP', 'TCP6'] as const);
    const status = get('status');
    if (status !== undefined) {
      // Older SDKs send `unknow`; HSS accepts both spellings.
      const read = oneOf('status', status, ['danger', 'normal', 'unknown', 'unknow'] as const);
      query.status = read === 'unknow' ? 'unknown' : read;
    }
    return query;
  });
}
