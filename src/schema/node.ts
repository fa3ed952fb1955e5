/**
 * `node(id:)` and `nodes(ids:)` for clients that normalise their caches by id. Defined here rather
 * than by the Relay plugin so that an id this API did not issue fails only its own item, and so
 * every lookup is planned together through the request's entity loader.
 */
import { brandWithType } from '@pothos/core';
import type { GatewayContext } from '../context.js';
import { scopesNamedBy } from '../port-statistics/load-entities.js';
import { decodePortStatisticId } from '../port-statistics/node-id.js';
import { builder } from './builder.js';
import { PortStatistic } from './port-statistic.js';

async function loadNode(id: string, context: GatewayContext) {
  const row = await context.entities.load(decodePortStatisticId(id));
  // The Node interface tells its implementations apart by this brand.
  if (row) brandWithType(row, PortStatistic);
  return row;
}

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'Any object by the id this API issued; null when the row is gone.',
    args: {
      id: t.arg.id({ required: true, description: 'An id this API issued (a PortStatistic.id, say).' }),
    },
    complexity: 1,
    resolve: (_root, { id }, context) => loadNode(String(id), context),
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description:
      'Objects by the ids this API issued, in the same order; null where a row is gone. An id this API did not ' +
      'issue is an error for its own item only.',
    args: {
      ids: t.arg.idList({
        required: true,
        description: 'Ids this API issued; ids of one scope are looked up together.',
      }),
    },
    // One upstream call per scope the ids name: ids of one scope are planned together.
    complexity: (args) => scopesNamedBy(args.ids),
    resolve: (_root, { ids }, context) => ids.map((id) => loadNode(String(id), context)),
  }),
}));
