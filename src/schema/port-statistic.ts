/**
 * `PortStatistic`: one open port and protocol and on how many servers it is open. A Relay node
 * whose id encodes its scope and row, so `node(id:)` can fetch it again.
 */

import { representationId } from '../ids/local-id.js';
import type { PortStatisticRow } from '../port-statistics/connection.js';
import { decodePortStatisticId, encodePortStatisticKey } from '../port-statistics/node-id.js';
import { builder } from './builder.js';
import { PortProtocol, PortRiskStatus } from './enums.js';
import { serviceField } from './port-service.js';

export const PortStatistic = builder.objectRef<PortStatisticRow>('PortStatistic');

builder.node(PortStatistic, {
  description:
    'Open port statistics: a port number and type, and the number of servers on which it is open. ' +
    'The same row in the same scope (project, enterprise project, category) always has the same id.',
  id: {
    description: 'Stable and opaque: the same row in the same scope has the same id.',
    resolve: (row) => encodePortStatisticKey({ scope: row.scope, port: row.port, type: row.type }),
  },
  fields: (t) => ({
    port: t.exposeInt('port', { description: 'Port number, 0 to 65,535.' }),
    type: t.expose('type', { type: PortProtocol, description: 'Port type.' }),
    num: t.exposeInt('num', { description: 'Number of servers on which the port is open.' }),
    status: t.expose('status', { type: PortRiskStatus, description: 'Risk type.' }),
    service: serviceField(t),
  }),
});

// A federation entity: other subgraphs reference a PortStatistic by its id alone.
builder.asEntity(PortStatistic, {
  key: builder.selection<{ id: string }>('id'),
  // Async, so a malformed id rejects its own entity instead of throwing for the whole `_entities` list.
  resolveReference: async (reference, context) =>
    context.entities.load(decodePortStatisticId(representationId(reference, 'PortStatistic'))),
});
