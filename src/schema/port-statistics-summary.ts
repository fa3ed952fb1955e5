/** `PortStatisticsSummary` and the `portStatisticsSummary` query field: a dashboard's header in one field. */
import { readPortStatisticsArguments } from '../port-statistics/arguments.js';
import { PortStatisticsSummary as Summary } from '../port-statistics/summary.js';
import { builder } from './builder.js';
import { DateTime } from './date-time.js';
import { PortProtocol, PortRiskStatus } from './enums.js';
import { PortStatisticFilter } from './port-statistic-filter.js';

const PortRiskStatusCount = builder
  .objectRef<{ status: 'DANGER' | 'NORMAL' | 'UNKNOWN'; count: number }>('PortRiskStatusCount')
  .implement({
    description: 'How many open-port rows have a risk status.',
    fields: (t) => ({
      status: t.expose('status', { type: PortRiskStatus, description: 'The risk status.' }),
      count: t.exposeInt('count', { description: 'Open-port rows with that status.' }),
    }),
  });

const PortProtocolCount = builder
  .objectRef<{ type: 'TCP' | 'TCP6' | 'UDP' | 'UDP6'; count: number }>('PortProtocolCount')
  .implement({
    description: 'How many open-port rows have a protocol.',
    fields: (t) => ({
      type: t.expose('type', { type: PortProtocol, description: 'The protocol.' }),
      count: t.exposeInt('count', { description: 'Open-port rows of that protocol.' }),
    }),
  });

const PortStatisticsSummary = builder.objectRef<Summary>('PortStatisticsSummary').implement({
  description:
    'Counts for a dashboard header. When the scope holds up to SNAPSHOT_MAX_PAGES blocks of 200 rows, all of them ' +
    'are counted in one snapshot of its table, with the lists of the same operation, at no further call. Otherwise ' +
    'from the totals of filtered upstream calls, each field costing only the calls it needs: totalCount 1, byStatus ' +
    '2 more, byProtocol 3 more (6 for everything), shared with the list queries of the same operation and cached ' +
    'like them. A count the quota cannot pay for yet is null, with its own RATE_LIMITED error.',
  fields: (t) => ({
    totalCount: t.int({
      nullable: true,
      description: 'Open-port rows matching the filter.',
      resolve: (summary) => summary.totalCount(),
    }),
    byStatus: t.field({
      type: [PortRiskStatusCount],
      nullable: true,
      description: 'Rows by risk status, in the order DANGER, NORMAL, UNKNOWN.',
      resolve: (summary) => summary.byStatus(),
    }),
    byProtocol: t.field({
      type: [PortProtocolCount],
      nullable: true,
      description: 'Rows by protocol, in the order TCP, TCP6, UDP, UDP6.',
      resolve: (summary) => summary.byProtocol(),
    }),
    fetchedAt: t.field({
      type: DateTime,
      nullable: true,
      description: "When HSS answered the filter's own call.",
      resolve: async (summary) => new Date((await summary.total()).fetchedAt),
    }),
    stale: t.boolean({
      nullable: true,
      description: "True when that answer is older than the cache's time-to-live.",
      resolve: async (summary) => (await summary.total()).stale,
    }),
  }),
});

builder.queryField('portStatisticsSummary', (t) =>
  t.field({
    type: PortStatisticsSummary,
    nullable: true,
    description:
      "What a security dashboard's header shows: total open-port rows, and counts by risk status and by protocol.",
    args: {
      projectId: t.arg.id({
        description: 'Project ID (1 to 256 characters). Default: the configured project.',
      }),
      filter: t.arg({
        type: PortStatisticFilter,
        description:
          'Which rows to count: each filter given is sent to HSS; none given, all rows of the project.',
      }),
    },
    // At most six upstream calls (see the type's description).
    complexity: 6,
    resolve: (_root, args, context) => {
      const request = readPortStatisticsArguments(
        { filter: args.filter, projectId: args.projectId?.toString() },
        context.defaultProjectId,
      );
      return new Summary(request.scope, request.query, context.readStatistics);
    },
  }),
);
