/**
 * The per-request context: the request's logger (bound to its request id), who asks, and its row
 * sources (src/rows/), over one request loader. A new one per GraphQL request, so nothing leaks
 * between callers.
 */
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { Caller } from './auth/principal.js';
import { identityOf } from './credentials/credentials.js';
import { HssError } from './errors/hss-error.js';
import type { ScopeTicks } from './live/scope-ticks.js';
import { loadPortServer } from './port-servers/connection.js';
import { encodePortServerKey } from './port-servers/node-id.js';
import { withServersAhead } from './port-servers/servers-ahead.js';
import { createEntityLoader } from './port-statistics/load-entities.js';
import type { UpstreamBlocks } from './quota/block-source.js';
import type { Cancellation } from './quota/cancellation.js';
import { budgetsOf } from './request/ledger.js';
import { RequestLoader, readerFor } from './rows/request-loader.js';
import { serverRows } from './rows/server-rows.js';
import { type RecentlyListed, type SnapshotPolicy, statisticsRows } from './rows/statistics-rows.js';
import type { GatewayContext } from './schema/types.js';

/** Rows listed lately stand in for lookups of them (rows/listed-rows.ts); undefined: never. */
type ListedRowsPolicy = Omit<RecentlyListed, 'readerOf'>;

/** What every request's context shares: the gateway's own parts. */
export interface SharedContextInputs {
  logger: Logger;
  blocks: UpstreamBlocks;
  defaultProjectId: string | undefined;
  /** How long a request waits for HSS at most (GRAPHQL_DEADLINE_MS). */
  deadlineMs: number;
  maxOperationPrice: number;
  /** When lists are answered from snapshots of their whole table. */
  snapshots: SnapshotPolicy;
  listed?: ListedRowsPolicy;
  /** The clocks of live answers (subscriptions); undefined: none are served. */
  live?: ScopeTicks;
  /** The first rows of each list whose servers are fetched ahead (HOSTS_FETCH_AHEAD_ROWS); 0: none. */
  serversAhead: number;
}

/** What is a request's own. */
interface RequestContextInputs {
  requestId: string;
  /** Who asks, verified; or why not: every upstream load fails with it. */
  caller: Caller | HssError;
  /** The operation name the client sent, if any. */
  operationName: string | null;
  /** Cancellation of the request: its client went away. */
  cancellation?: Cancellation;
  /** Who asks, settled again (a live answer's every read); absent: as settled once. */
  authenticate?: () => Promise<Caller | HssError>;
}

export type ContextFactory = (request: RequestContextInputs) => GatewayContext;

/**
 * Whose listed rows a caller may be answered from: those it may read without a call, as a policy
 * grants them or as HSS answered its credentials lately.
 */
function listedReaderOf(caller: Caller, blocks: UpstreamBlocks): RecentlyListed['readerOf'] {
  const identity = identityOf(caller.credentials);
  return ({ projectId, enterpriseProjectId }) => {
    const access = caller.access(projectId, enterpriseProjectId);
    if (access instanceof HssError) return undefined;
    const mayRead =
      access === 'granted' ||
      blocks.proven({ prover: identity, api: 'ListPortStatistics', projectId, enterpriseProjectId });
    return mayRead ? readerFor(identity, enterpriseProjectId) : undefined;
  };
}

/** What one read of a request's lists uses: its ledger, its loader (and deadline), its row sources. */
interface ReadParts {
  operation: GatewayContext['operation'];
  readStatistics: GatewayContext['readStatistics'];
  readServers: GatewayContext['readServers'];
  entities(): GatewayContext['entities'];
  servers(): GatewayContext['servers'];
}

function readParts(
  shared: SharedContextInputs,
  request: RequestContextInputs,
  logger: Logger,
  operationName: string | null,
): ReadParts {
  const operation: GatewayContext['operation'] = {
    name: operationName,
    blocksAsked: 0,
    blocksServed: 0,
    upstreamCalls: 0,
    sharedCalls: 0,
    cachedBlocks: 0,
  };
  const { caller } = request;
  const { blocks } = shared;
  const loader = new RequestLoader({
    blocks,
    caller,
    logger,
    operation,
    ...(request.cancellation && { cancellation: request.cancellation }),
    deadlineAt: Date.now() + shared.deadlineMs,
    maxBlocks: shared.maxOperationPrice,
  });
  const listed =
    shared.listed && !(caller instanceof HssError)
      ? { ...shared.listed, readerOf: listedReaderOf(caller, blocks) }
      : undefined;
  const listRows = statisticsRows(loader, shared.snapshots, listed, operation);
  const readStatistics =
    shared.serversAhead > 0 ? withServersAhead(listRows, loader, shared.serversAhead) : listRows;
  const readServers = serverRows(loader);
  let entities: GatewayContext['entities'] | undefined;
  let servers: GatewayContext['servers'] | undefined;
  return {
    operation,
    readStatistics,
    readServers,
    // Only lookups by id need them: most requests never do.
    entities: () => {
      // Lookups by id read a table's first block: those rows are not shown, nothing is fetched ahead.
      entities ??= createEntityLoader(listRows);
      return entities;
    },
    servers: () => {
      servers ??= new DataLoader((keys) => Promise.all(keys.map((key) => loadPortServer(key, readServers))), {
        cacheKeyFn: encodePortServerKey,
      });
      return servers;
    },
  };
}

function createGatewayContext(shared: SharedContextInputs, request: RequestContextInputs): GatewayContext {
  const { caller } = request;
  const { blocks } = shared;
  const logger = shared.logger.child({ requestId: request.requestId });
  let parts = readParts(shared, request, logger, request.operationName);
  const identity = caller instanceof HssError ? undefined : identityOf(caller.credentials);
  const budget: GatewayContext['budget'] = (api) =>
    identity === undefined ? Promise.resolve(null) : blocks.budgetOf(identity, api);
  return {
    requestId: request.requestId,
    logger,
    defaultProjectId: shared.defaultProjectId,
    operation: parts.operation,
    readStatistics: parts.readStatistics,
    readServers: parts.readServers,
    // Only lookups by id need them. (yoga merges the context into its own with Object.assign, which
    // reads these once per request: what stays lazy is the work a loader's first load starts.)
    get entities() {
      return parts.entities();
    },
    get servers() {
      return parts.servers();
    },
    // A live answer reads again on each tick: a new ledger, loader and deadline, nothing remembered.
    // On `this`: yoga's context is a copy of this object's values.
    async renew(this: GatewayContext) {
      // Who asks is settled again: an expired or revoked credential, or a changed policy, reads
      // nothing more (the read fails with why), whatever was cached.
      const caller = request.authenticate ? await request.authenticate() : request.caller;
      if (caller instanceof HssError) throw caller;
      parts = readParts(shared, { ...request, caller }, logger, parts.operation.name);
      for (const [name, value] of Object.entries({
        operation: parts.operation,
        readStatistics: parts.readStatistics,
        readServers: parts.readServers,
        entities: parts.entities(),
        servers: parts.servers(),
      })) {
        Object.defineProperty(this, name, { value, writable: true, configurable: true, enumerable: true });
      }
    },
    live: shared.live,
    maxOperationPrice: shared.maxOperationPrice,
    principal: caller instanceof HssError ? undefined : caller.principal,
    budget,
    budgets: () => budgetsOf(budget),
  };
}

/** Builds each request's context, for yoga. */
export function createContextFactory(shared: SharedContextInputs): ContextFactory {
  return (request) => createGatewayContext(shared, request);
}
