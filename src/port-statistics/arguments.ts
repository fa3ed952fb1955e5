/**
 * Turns `portStatistics` arguments into the upstream request they stand for, refusing anything
 * outside HSS's documented ranges before a single upstream call is made.
 */
import { offsetOfCursor } from './cursor.js';
import { checkLength, checkPattern, checkRange, InvalidArgumentError } from './invalid-argument.js';
import {
  type AssetCategory,
  type PortProtocol,
  type PortRiskStatus,
  type PortStatisticScope,
  type PortStatisticsQuery,
  PROJECT_ID_PATTERN,
  type SortDirection,
} from './model.js';

const PROJECT_ID_RULE = '1 to 256 letters, digits, - or _ (an HSS project id)';

/** The arguments as GraphQL hands them over (absent and null mean the same). */
export interface PortStatisticsArguments {
  projectId?: string | null;
  filter?: {
    enterpriseProjectId?: string | null;
    category?: AssetCategory | null;
    port?: number | null;
    portString?: string | null;
    type?: PortProtocol | null;
    status?: PortRiskStatus | null;
  } | null;
  /** Relay paging, forward and backward (what client caches read). */
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  /** Offset paging; not together with the Relay arguments. */
  page?: { first?: number | null; after?: string | null; offset?: number | null } | null;
  orderBy?: { field: 'PORT'; direction: SortDirection } | null;
}

/** The most rows one `portStatistics` field may ask for (five upstream pages of 200). */
export const MAX_FIRST = 1000;
export const DEFAULT_FIRST = 10;
export const MAX_OFFSET = 2_000_000;

/** A validated `portStatistics` request, reading forward: `first` rows from `offset`. */
export interface PortStatisticsRequest {
  scope: PortStatisticScope;
  /** Filters and order; paging is planned separately. */
  query: PortStatisticsQuery;
  /** Rows wanted; DEFAULT_FIRST when not given. */
  first: number;
  /** Whether the caller gave `first`: if not, no `limit` is sent. */
  firstGiven: boolean;
  /** Record offset of the first row; undefined when the caller gave neither `after` nor `offset`. */
  offset: number | undefined;
  /** Exclusive record offset where the window ends (`before`); undefined: the list's end. */
  end?: number;
  /**
   * Backward paging (`last`): the window is the last `first` rows before `end` (or the list's end,
   * which the first upstream page tells), but not before `offset` (`after`).
   */
  fromEnd?: boolean;
}

/**
 * Validates and translates. `defaultProjectId` is the configured project, used when the caller
 * names none.
 */
export function readPortStatisticsArguments(
  args: PortStatisticsArguments,
  defaultProjectId: string | undefined,
): PortStatisticsRequest {
  const projectId = args.projectId ?? defaultProjectId;
  if (projectId === undefined) {
    throw new InvalidArgumentError(
      'projectId',
      'projectId is required: no default project is configured (HSS_PROJECT_ID).',
    );
  }
  checkPattern('projectId', projectId, PROJECT_ID_PATTERN, PROJECT_ID_RULE);

  const filter = args.filter ?? {};
  const query: PortStatisticsQuery = {};
  const scope: PortStatisticScope = { projectId };
  if (filter.enterpriseProjectId != null) {
    checkLength('filter.enterpriseProjectId', filter.enterpriseProjectId, 1, 256);
    query.enterpriseProjectId = scope.enterpriseProjectId = filter.enterpriseProjectId;
  }
  if (filter.category != null) query.category = scope.category = filter.category;
  if (filter.port != null) {
    checkRange('filter.port', filter.port, 1, 65535);
    query.port = filter.port;
  }
  if (filter.portString != null) {
    // HSS documents port_string's range as 1..65535: the digits of a port number, matched as a substring.
    if (
      !/^\d{1,5}$/.test(filter.portString) ||
      Number(filter.portString) < 1 ||
      Number(filter.portString) > 65535
    ) {
      throw new InvalidArgumentError(
        'filter.portString',
        `filter.portString must be the digits of a port number from 1 to 65535; got ${JSON.stringify(filter.portString)}.`,
      );
    }
    query.portString = filter.portString;
  }
  if (filter.type != null) query.type = filter.type;
  if (filter.status != null) query.status = filter.status;
  if (args.orderBy != null) {
    query.sortKey = args.orderBy.field;
    query.sortDirection = args.orderBy.direction;
  }

  const relay = args.first != null || args.after != null || args.last != null || args.before != null;
  if (relay && args.page != null) {
    throw new InvalidArgumentError(
      'page',
      'page cannot be given together with first, after, last or before: use one way of paging.',
    );
  }
  return { scope, query, ...(relay ? relayWindow(args) : pageWindow(args.page ?? {})) };
}

type Window = Pick<PortStatisticsRequest, 'first' | 'firstGiven' | 'offset' | 'end' | 'fromEnd'>;

function offsetAfter(argument: string, cursor: string): number {
  const offset = offsetOfCursor(argument, cursor) + 1;
  checkRange(`the offset after ${argument}`, offset, 0, MAX_OFFSET);
  return offset;
}

/** `page: { first, after | offset }`: offset paging. */
function pageWindow(page: NonNullable<PortStatisticsArguments['page']>): Window {
  if (page.after != null && page.offset != null) {
    throw new InvalidArgumentError('page', 'page.after and page.offset cannot be given together: pick one.');
  }
  const first = page.first ?? DEFAULT_FIRST;
  checkRange('page.first', first, 0, MAX_FIRST);
  let offset: number | undefined;
  if (page.offset != null) {
    checkRange('page.offset', page.offset, 0, MAX_OFFSET);
    offset = page.offset;
  } else if (page.after != null) {
    offset = offsetAfter('page.after', page.after);
  }
  return { first, firstGiven: page.first != null, offset };
}

/**
 * Relay's `first`/`after` and `last`/`before`, over the same record offsets (so cursors of either
 * style work in the other): `after` and `before` bound the window, then `first` takes from its
 * start or `last` from its end.
 */
function relayWindow(args: PortStatisticsArguments): Window {
  if (args.first != null && args.last != null) {
    throw new InvalidArgumentError(
      'last',
      'first and last cannot be given together: page forward or backward.',
    );
  }
  const offset = args.after != null ? offsetAfter('after', args.after) : undefined;
  const end = args.before != null ? offsetOfCursor('before', args.before) : undefined;
  if (args.last != null) {
    checkRange('last', args.last, 0, MAX_FIRST);
    const lower = offset ?? 0;
    if (end === undefined) return { first: args.last, firstGiven: true, offset, fromEnd: true };
    // The window is known: it reads forward from where the last `last` rows before `end` begin.
    const start = Math.max(lower, end - args.last);
    return { first: Math.max(0, end - start), firstGiven: true, offset: start, end };
  }
  const first = args.first ?? DEFAULT_FIRST;
  checkRange('first', first, 0, MAX_FIRST);
  return {
    first: end === undefined ? first : Math.max(0, Math.min(first, end - (offset ?? 0))),
    firstGiven: args.first != null,
    offset,
    ...(end === undefined ? {} : { end }),
  };
}
