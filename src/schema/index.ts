/** Imports every type file and builds the schema. */
import { GraphQLDeferDirective, GraphQLStreamDirective } from '@graphql-tools/utils';
import { GraphQLSchema } from 'graphql';
import { lookupsNamedBy } from '../graphql/lookup-price.js';
import { builder } from './builder.js';
import './date-time.js';
import './enums.js';
import './port-statistic.js';
import './port-statistic-filter.js';
import './page-input.js';
import './port-statistic-order.js';
import './port-statistic-connection.js';
import './node.js';
import './port-service.js';
import './port-statistics-summary.js';
import './rate-limit.js';
import './port-server.js';
import './port-server-connection.js';
import './live-port-statistics.js';

const built = builder.toSchema({ sortSchema: false });

/**
 * The public schema: what frontends see and typed clients are generated from, with `@defer` and
 * `@stream` declared as the served schema has them (yoga's defer-stream plugin), so documents that
 * use them validate in codegen and in the clients' own tools.
 */
export const publicSchema = new GraphQLSchema({
  ...built.toConfig(),
  directives: [...built.getDirectives(), GraphQLDeferDirective, GraphQLStreamDirective],
});

/**
 * The schema the gateway serves: the public one plus what makes it an Apollo Federation v2
 * subgraph (`_service`, `_entities`, `@link`, `@key`).
 */
export const schema = builder.toSubGraphSchema({
  linkUrl: 'https://specs.apollo.dev/federation/v2.6',
  federationDirectives: ['@key', '@shareable'],
  sortSchema: false,
});

// `_entities` comes from the federation library, not from a Pothos field: it gets its price here,
// where the cost limit reads it (src/graphql/lookup-price.ts).
const entities = schema.getQueryType()?.getFields()._entities;
if (entities) {
  entities.extensions = {
    ...entities.extensions,
    // One upstream call per lookup the ids need; what is selected of each entity, per entity.
    complexity: (args: { representations?: readonly { id?: unknown }[] }) => ({
      field: lookupsNamedBy((args.representations ?? []).map((representation) => representation?.id)),
      multiplier: args.representations?.length ?? 0,
    }),
  };
}
