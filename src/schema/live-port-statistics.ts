/**
 * `Subscription.portStatistics`: the query's list, live. Sent at once, then again only when the
 * rows it shows change, checked on each tick of its scope's clock (src/live/): the subscribers of a
 * scope share one clock, and each tick reads through the cache and the quota economy, so a scope
 * costs HSS what one dashboard polling it at the cache's pace would. Served over GraphQL over SSE
 * (yoga's own transport), which Apollo Client, urql and Relay reach with `graphql-sse`.
 */
import { HssError } from '../errors/hss-error.js';
import { liveAnswers } from '../live/live-answers.js';
import { readPortStatisticsArguments } from '../port-statistics/arguments.js';
import type { PortStatisticConnectionShape } from '../port-statistics/connection.js';
import { loadPortStatisticsConnection } from '../port-statistics/connection.js';
import { builder } from './builder.js';
import {
  PortStatisticConnection,
  portStatisticsArgs,
  portStatisticsComplexity,
} from './port-statistic-connection.js';

builder.subscriptionType({
  description:
    'Answers pushed when the data under them changes, over server-sent events (GraphQL over SSE): subscribe once ' +
    'instead of polling.',
});

/**
 * What a client sees of a page: its rows and count, not when they were fetched (nor its cursors,
 * which name the snapshot they were cut from as well as the row).
 */
const fingerprint = ({ totalCount, edges, pageInfo }: PortStatisticConnectionShape) =>
  JSON.stringify([
    totalCount,
    edges.map((edge) => edge.node),
    pageInfo.hasNextPage,
    pageInfo.hasPreviousPage,
  ]);

builder.subscriptionField('portStatistics', (t) =>
  t.field({
    type: PortStatisticConnection,
    nullable: true,
    description:
      'The same list as `Query.portStatistics`, live: sent at once, then again each time its rows change (HSS renews ' +
      'its data a few times a day; the gateway checks at its cache pace, CACHE_TTL_SECONDS), never twice the same. ' +
      'An event whose read fails is null with its error (RATE_LIMITED, say), and the subscription goes on.',
    args: portStatisticsArgs,
    complexity: portStatisticsComplexity,
    subscribe: (_root, args, context) => {
      const request = readPortStatisticsArguments(
        { ...args, projectId: args.projectId?.toString() },
        context.defaultProjectId,
      );
      if (!context.live) {
        throw new HssError('BAD_USER_INPUT', 'Live answers are off on this gateway (LIVE_TICK_SECONDS=0).');
      }
      const { projectId, enterpriseProjectId, category } = request.scope;
      return liveAnswers({
        ticks: context.live,
        scope: JSON.stringify([projectId, enterpriseProjectId ?? null, category ?? null]),
        read: async () => {
          await context.renew();
          context.logger.debug({ live: 'portStatistics', projectId }, 'live answer read');
          return loadPortStatisticsConnection(request, context.readStatistics);
        },
        fingerprint,
        // A caller that may not read this (no valid credentials, not entitled) is told once.
        ends: (error) =>
          error instanceof HssError &&
          ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT'].includes(error.code),
        // Verified callers may come through one address (a router): each holds its own few.
        // Anonymous ones are held to HTTP_MAX_CONNECTIONS_PER_ADDRESS.
        ...(context.principal && context.principal.kind !== 'anonymous' && { holder: context.principal.id }),
        tooMany: () =>
          new HssError(
            'RATE_LIMITED',
            `These credentials have ${context.live?.maxPerHolder} live lists open, as many as one caller may (LIVE_MAX_PER_CALLER): close one first.`,
            { reason: 'TOO_MANY_LIVE_LISTS', retryAfter: 60, budget: 'caller' },
          ),
      });
    },
    resolve: (event) => {
      if (event instanceof Error) throw event;
      return event as PortStatisticConnectionShape;
    },
  }),
);
