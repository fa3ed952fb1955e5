/**
 * Turns `portStatistics` arguments into the upstream request they stand for, refusing anything
 * outside HSS's documented ranges before a single upstream call is made.
 */

import { checkLength, checkRange, InvalidArgumentError } from '../errors/invalid-argument.js';
import type {
  CategoryName,
  PortStatisticScope,
  PortStatisticsQuery,
  ProtocolName,
  RiskStatusName,
  SortDirectionName,
} from '../model/port-statistic.js';
import {
  hasRelayArguments,
  type PageArguments,
  pageWindow,
  type RelayArguments,
  type RowWindow,
  relayWindow,
} from '../paging/window.js';
import { readProjectId } from './project-id.js';

/** The arguments as GraphQL hands them over (absent and null mean the same). */
export interface PortStatisticsArguments extends RelayArguments {
  projectId?: string | null;
  filter?: {
    enterpriseProjectId?: string | null;
    category?: CategoryName | null;
    port?: number | null;
    portString?: string | null;
    type?: ProtocolName | null;
    status?: RiskStatusName | null;
  } | null;
  /** Offset paging; not together with the Relay arguments (first, after, last, before). */
  page?: PageArguments | null;
  orderBy?: { field: 'PORT'; direction: SortDirectionName } | null;
}

/** A validated `portStatistics` request: its scope, filters and order, and the rows it wants. */
export interface PortStatisticsRequest extends RowWindow {
  scope: PortStatisticScope;
  /** Filters and order; paging is planned separately. */
  query: PortStatisticsQuery;
}

/**
 * Validates and translates. `defaultProjectId` is the configured project, used when the caller
 * names none.
 */
export function readPortStatisticsArguments(
  args: PortStatisticsArguments,
  defaultProjectId: string | undefined,
): PortStatisticsRequest {
  const projectId = readProjectId(args.projectId, defaultProjectId);

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

  const relay = hasRelayArguments(args);
  if (relay && args.page != null) {
    throw new InvalidArgumentError(
      'page',
      'page cannot be given together with first, after, last or before: use one way of paging.',
    );
  }
  return { scope, query, ...(relay ? relayWindow(args) : pageWindow(args.page ?? {})) };
}
