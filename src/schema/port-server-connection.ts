/**
 * `PortServerConnection` and the fields that return it: `portServers` (the servers with one port
 * open) and `PortStatistic.servers` (the drill-down from a statistics row).
 */
import { startOf } from '../paging/cursor.js';
import { DEFAULT_FIRST, MAX_FIRST } from '../paging/window.js';
import { type PortServersArguments, readPortServersArguments } from '../port-servers/arguments.js';
import { loadPortServersConnection } from '../port-servers/connection.js';
import { blocksCovering } from '../rows/blocks.js';
import { builder } from './builder.js';
import { AssetCategory, PortProtocol } from './enums.js';
import { countAndFreshnessFields } from './list-fields.js';
import { PortServer } from './port-server.js';
import { PortStatistic } from './port-statistic.js';
import type { GatewayContext } from './types.js';

const PortServerFilter = builder.inputType('PortServerFilter', {
  description: 'Filters of a servers list. A filter not given is not sent to HSS.',
  fields: (t) => ({
    hostName: t.string({ description: 'Servers whose name contains this (1 to 256 characters).' }),
    hostIp: t.string({ description: 'Servers whose IP address contains this (1 to 256 characters).' }),
  }),
});

const PortServerConnection = builder.connectionObject(
  {
    type: PortServer,
    name: 'PortServerConnection',
    description: 'A page of the servers on which a port is open.',
    fields: (t) =>
      countAndFreshnessFields(t, {
        totalCount: 'Number of servers matching (for a statistics row: its `num`).',
        fetchedAt: 'When HSS answered the data in this page (the oldest part of it).',
        stale: "True when the data is older than the cache's time-to-live.",
      }),
  },
  { name: 'PortServerEdge', description: 'A server and its cursor.' },
);

const FIRST_DESCRIPTION = `Servers wanted: 0 to ${MAX_FIRST}, default ${DEFAULT_FIRST}.`;
const AFTER_DESCRIPTION = 'Servers after this cursor (an edge cursor or pageInfo.endCursor).';

/** One upstream call per block of 200 the servers wanted touch. */
const callsOf = (args: { first?: number | null; after?: string | null }) =>
  blocksCovering(startOf(args.after), Math.min(MAX_FIRST, args.first ?? DEFAULT_FIRST));

/** The servers list both fields answer, from their arguments. */
const serversOf = (args: PortServersArguments, context: GatewayContext) =>
  loadPortServersConnection(readPortServersArguments(args, context.defaultProjectId), context.readServers);

builder.queryField('portServers', (t) =>
  t.field({
    type: PortServerConnection,
    // An upstream failure here nulls this field alone, not its siblings.
    nullable: true,
    description:
      'The servers on which a port is open, with the process listening on it (HSS ListPortHost, ' +
      '`GET /v5/{project_id}/asset/ports/detail`). One port at a time; for the servers of a statistics row, ' +
      'select `PortStatistic.servers`.',
    args: {
      projectId: t.arg.id({
        description: 'Project ID (1 to 256 characters). Default: the configured project.',
      }),
      port: t.arg.int({ required: true, description: 'Port number, 1 to 65,535.' }),
      type: t.arg({
        type: PortProtocol,
        description:
          'Protocol; TCP6 asks for TCP and UDP6 for UDP (HSS reports IPv6 sockets under them). None: both.',
      }),
      category: t.arg({ type: AssetCategory, description: 'Hosts or containers. Default: HOST, as HSS.' }),
      enterpriseProjectId: t.arg.string({
        description:
          'Enterprise project ID (1 to 256 characters); `all_granted_eps` for all. Default: HSS`s, `0`.',
      }),
      filter: t.arg({ type: PortServerFilter, description: 'Which servers.' }),
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    complexity: (args) => callsOf(args),
    resolve: (_root, args, context) => serversOf({ ...args, projectId: args.projectId?.toString() }, context),
  }),
);

builder.objectField(PortStatistic, 'servers', (t) =>
  t.field({
    type: PortServerConnection,
    // An upstream failure here nulls this field alone, not its siblings.
    nullable: true,
    description:
      'The servers on which this port is open (HSS ListPortHost), in the scope that listed the row: its project, ' +
      'enterprise project and category (HOST when the row was listed without one; ask with `filter.category` ' +
      'for containers). A TCP6 row shows the TCP servers and a UDP6 row the UDP servers: HSS reports IPv6 sockets ' +
      'under TCP and UDP, so their count can differ from `num`. One upstream call per block of 200 servers, for each ' +
      'row selected: under a list of rows, ask for few rows.',
    args: {
      filter: t.arg({ type: PortServerFilter, description: 'Which servers.' }),
      first: t.arg.int({ description: FIRST_DESCRIPTION }),
      after: t.arg.string({ description: AFTER_DESCRIPTION }),
    },
    complexity: (args) => callsOf(args),
    resolve: (row, args, context) =>
      serversOf(
        {
          ...args,
          projectId: row.scope.projectId,
          port: row.port,
          type: row.type,
          category: row.scope.category ?? null,
          enterpriseProjectId: row.scope.enterpriseProjectId ?? null,
        },
        context,
      ),
  }),
);
