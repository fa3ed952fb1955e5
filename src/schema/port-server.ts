/**
 * `PortServer`: one server (host or container) on which a port is open, from HSS ListPortHost; a
 * Relay node and a federation entity. `Host` is a stub entity keyed by `hostId`, so a CMDB subgraph
 * can add what it knows of the host.
 */

import { representationId } from '../ids/local-id.js';
import type { PortServerRow } from '../port-servers/connection.js';
import { decodePortServerId, encodePortServerKey } from '../port-servers/node-id.js';
import { builder } from './builder.js';
import { PortProtocol, PortRiskStatus } from './enums.js';
import { serviceField } from './port-service.js';

const Host = builder.objectRef<{ hostId: string }>('Host').implement({
  description:
    'A server HSS protects, known here only by its HSS host id: another subgraph of a supergraph (a CMDB, say) ' +
    'can extend it with what it knows.',
  fields: (t) => ({
    hostId: t.exposeID('hostId', { description: "HSS's id of the host (`host_id`)." }),
  }),
});

builder.asEntity(Host, {
  key: builder.selection<{ hostId: string }>('hostId'),
  resolveReference: (reference) => ({ hostId: reference.hostId }),
});

export const PortServer = builder.objectRef<PortServerRow>('PortServer');

/** An IPv4 or IPv6 "every interface" address. */
const ALL_INTERFACES = new Set(['0.0.0.0', '::', '[::]', '*']);

builder.node(PortServer, {
  description:
    'A server (host or container) on which a port is open, with the process listening on it (HSS ListPortHost). ' +
    'The same port and protocol on the same host (and container) in the same scope always has the same id.',
  id: {
    description: 'Stable and opaque: the same listening server in the same scope has the same id.',
    resolve: (row) =>
      encodePortServerKey({
        scope: row.scope,
        port: row.port,
        type: row.type,
        hostId: row.hostId,
        hostIp: row.hostIp,
        containerId: row.containerId,
      }),
  },
  fields: (t) => ({
    hostId: t.exposeID('hostId', { nullable: true, description: "HSS's id of the host." }),
    host: t.field({
      type: Host,
      nullable: true,
      description: 'The host, as an entity other subgraphs can extend; null when HSS names no host id.',
      resolve: (row) => (row.hostId === null ? null : { hostId: row.hostId }),
    }),
    hostName: t.exposeString('hostName', { nullable: true, description: 'Server name.' }),
    hostIp: t.exposeString('hostIp', { nullable: true, description: 'Server IP address.' }),
    listenAddress: t.exposeString('listenAddress', {
      nullable: true,
      description: 'The address the port listens on (IPv4 or IPv6); `0.0.0.0` or `::` means every interface.',
    }),
    listensOnAllInterfaces: t.boolean({
      description:
        'True when the port listens on every interface (`0.0.0.0` or `::`): reachable from any network.',
      resolve: (row) => row.listenAddress !== null && ALL_INTERFACES.has(row.listenAddress),
    }),
    processPath: t.exposeString('processPath', {
      nullable: true,
      description: "Absolute path of the listening process's executable.",
    }),
    pid: t.exposeInt('pid', { nullable: true, description: 'Process id; null when no process was found.' }),
    port: t.exposeInt('port', { description: 'Port number, 1 to 65,535.' }),
    type: t.expose('type', {
      type: PortProtocol,
      description: 'Port type: TCP or UDP (HSS reports IPv6 sockets under them).',
    }),
    status: t.expose('status', {
      type: PortRiskStatus,
      nullable: true,
      description: 'Risk type of the port, as on PortStatistic.',
    }),
    containerId: t.exposeString('containerId', {
      nullable: true,
      description: 'Container id (container rows).',
    }),
    containerName: t.exposeString('containerName', {
      nullable: true,
      description: 'Container name (container rows).',
    }),
    agentId: t.exposeString('agentId', { nullable: true, description: 'Id of the HSS agent on the server.' }),
    service: serviceField(t),
  }),
});

// A federation entity: other subgraphs reference a PortServer by its id alone.
builder.asEntity(PortServer, {
  key: builder.selection<{ id: string }>('id'),
  // Async, so a malformed id rejects its own entity instead of throwing for the whole `_entities` list.
  resolveReference: async (reference, context) =>
    context.servers.load(decodePortServerId(representationId(reference, 'PortServer'))),
});
