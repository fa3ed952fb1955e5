/**
 * `node(id:)` and `nodes(ids:)` for clients that normalise their caches by id. Defined here rather
 * than by the Relay plugin so that an id this API did not issue fails only its own item, and so
 * every lookup is planned together through the request's entity loader.
 */
import { brandWithType } from '@pothos/core';
import { decodeGlobalID } from '@pothos/plugin-relay';
import { lookupsNamedBy } from '../graphql/lookup-price.js';
import { decodePortServerId } from '../port-servers/node-id.js';
import { decodePortStatisticId } from '../port-statistics/node-id.js';
import { builder } from './builder.js';
import { PortServer } from './port-server.js';
import { PortStatistic } from './port-statistic.js';
import type { GatewayContext } from './types.js';

/** The type name inside a global id this API issued, or undefined. */
function typenameOf(id: string): string | undefined {
  try {
    return decodeGlobalID(id).typename;
  } catch {
    return undefined;
  }
}

async function loadNode(id: string, context: GatewayContext) {
  // The Node interface tells its implementations apart by a brand on the object.
  if (typenameOf(id) === 'PortServer') {
    const server = await context.servers.load(decodePortServerId(id));
    if (server) brandWithType(server, PortServer);
    return server;
  }
  const row = await context.entities.load(decodePortStatisticId(id));
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
    // Every Relay subgraph has its own `node`; a supergraph may hold them all only if all are shareable.
    shareable: true,
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
    // One upstream call per scope the ids name: ids of one scope are planned together; what is
    // selected of each object is paid per object.
    complexity: (args) => ({ field: lookupsNamedBy(args.ids), multiplier: args.ids.length }),
    shareable: true,
    resolve: (_root, { ids }, context) => ids.map((id) => loadNode(String(id), context)),
  }),
}));
