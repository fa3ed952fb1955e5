/** `PortStatisticConnection` and the `portStatistics` query field that returns it. */

import { startOf } from '../paging/cursor.js';
import { DEFAULT_FIRST, MAX_FIRST } from '../paging/window.js';
import { readPortStatisticsArguments } from '../port-statistics/arguments.js';
import { loadPortStatisticsConnection } from '../port-statistics/connection.js';
import { blocksCovering } from '../rows/blocks.js';
import { builder } from './builder.js';
import { countAndFreshnessFields } from './list-fields.js';
import { PageInput } from './page-input.js';
import { PortStatistic } from './port-statistic.js';
import { PortStatisticFilter } from './port-statistic-filter.js';
import { PortStatisticOrder } from './port-statistic-order.js';

export const PortStatisticConnection = builder.connectionObject(
  {
    type: PortStatistic,
    name: 'PortStatisticConnection',
    description: 'A page of open-port statistics.',
    fields: (t) =>
      countAndFreshnessFields(t, {
        totalCount: 'Number of open-port rows matching the filters (HSS counts at most 10,000).',
        fetchedAt:
          'When HSS answered the data in this page (the oldest part of it). The gateway caches answers; see `stale`.',
        stale:
          "True when the data is older than the cache's time-to-live: served while it is renewed, or instead of an " +
          'error because HSS failed or the upstream budget for these credentials is spent.',
      }),
  },
  { name: 'PortStatisticEdge', description: 'A row and its cursor.' },
);

/** The arguments of a port-statistics list, the query's and the live subscription's. */
export const portStatisticsArgs = builder.args((t) => ({
  projectId: t.id({
    description:
      'Project ID (1 to 256 characters) that the assets belong to. Default: the configured project.',
  }),
  filter: t.field({
    type: PortStatisticFilter,
    description: 'Which rows: each filter given is sent to HSS; none given, all rows of the project.',
  }),
  first: t.int({
    description:
      `Relay forward paging: the first rows (0 to ${MAX_FIRST}, default ${DEFAULT_FIRST}) after \`after\`. ` +
      'Not together with `last` or `page`.',
  }),
  after: t.string({
    description: 'Relay forward paging: rows after this cursor (an edge cursor or pageInfo.endCursor).',
  }),
  last: t.int({
    description:
      `Relay backward paging: the last rows (0 to ${MAX_FIRST}) before \`before\`, or before the end of the ` +
      'list (which costs one more upstream call, to learn where it ends). Not together with `first` or `page`.',
  }),
  before: t.string({
    description: 'Relay backward paging: rows before this cursor (an edge cursor or pageInfo.startCursor).',
  }),
  page: t.field({
    type: PageInput,
    description:
      'Offset paging: `first` rows after a cursor or from a record offset (random access). Not together with ' +
      '`first`, `after`, `last` or `before`; cursors of either style work in the other.',
  }),
  orderBy: t.field({
    type: PortStatisticOrder,
    description: 'Sort order; none given, HSS returns its default order.',
  }),
}));

/**
 * What a list costs, before it runs: one upstream call per block of 200 the rows touch (at least one,
 * even for first: 0); `last` without `before` one more, to learn where the list ends. A snapshot
 * may answer it for less.
 */
export const portStatisticsComplexity = (args: {
  first?: number | null;
  last?: number | null;
  before?: string | null;
  after?: string | null;
  page?: { first?: number | null; after?: string | null; offset?: number | null } | null;
}) => {
  // Past MAX_FIRST the arguments are refused (BAD_USER_INPUT) before any call: priced as MAX_FIRST,
  // so the answer names the real problem, not the cost.
  const rows = Math.min(MAX_FIRST, args.last ?? args.first ?? args.page?.first ?? DEFAULT_FIRST);
  const probe = args.last != null && args.before == null ? 1 : 0;
  // What is selected of each row (its `servers`, say) is paid per row.
  const start = startOf(args.after ?? args.page?.after, args.page?.offset);
  return { field: blocksCovering(start, rows) + probe, multiplier: rows };
};

builder.queryField('portStatistics', (t) =>
  t.field({
    type: PortStatisticConnection,
    // An upstream failure here (a spent budget, HSS down) nulls this field alone, not its siblings.
    nullable: true,
    description:
      'Open port statistics: which ports are open on how many servers, by port or protocol type (HSS ListPortStatistics, ' +
      '`GET /v5/{project_id}/asset/port/statistics`).',
    args: portStatisticsArgs,
    complexity: portStatisticsComplexity,
    resolve: (_root, args, context) =>
      loadPortStatisticsConnection(
        readPortStatisticsArguments(
          { ...args, projectId: args.projectId?.toString() },
          context.defaultProjectId,
        ),
        context.readStatistics,
      ),
  }),
);
