/**
 * The per-request context: the request's logger (bound to its request id), its credentials and
 * its upstream loaders. A new one per GraphQL request, so nothing leaks between callers.
 */
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { Caller } from './auth/principal.js';
import { identityOf } from './credentials/credentials.js';
import { HssError } from './errors/hss-error.js';
import {
  createEntityLoader,
  createPageLoader,
  type RecentlyListed,
  readerFor,
  type SnapshotPolicy,
  serversPageLoader,
  statisticsPageLoader,
} from './loaders/page-loader.js';
import { loadPortServer } from './port-servers/connection.js';
import { encodePortServerKey } from './port-servers/node-id.js';
import type { UpstreamBlocks } from './quota/block-source.js';
import type { Cancellation } from './quota/cancellation.js';
import type { GatewayContext } from './schema/types.js';

interface ContextInputs {
  requestId: string;
  logger: Logger;
  pages: UpstreamBlocks;
  /** Who asks, verified; or why not: every upstream load fails with it. */
  caller: Caller | HssError;
  defaultProjectId: string | undefined;
  /** The operation name the client sent, if any. */
  operationName: string | null;
  /** Who asks, by address: tokens HSS has not accepted yet are rationed per address. */
  clientAddress: string;
  /** Cancellation of the request: its client went away. */
  cancellation?: Cancellation;
  /** The request's deadline, epoch milliseconds. */
  deadlineAt?: number;
  maxOperationPrice: number;
  snapshots: SnapshotPolicy;
  listed: ListedRowsPolicy | undefined;
}

/** Rows listed lately stand in for lookups of them (loaders/listed-rows.ts); undefined: never. */
type ListedRowsPolicy = Omit<RecentlyListed, 'readerOf' | 'operation'>;

/**
 * Whose listed rows a caller may be answered from: those it may read without a call, as a policy
 * grants them or as HSS answered its credentials lately.
 */
function listedReaderOf(caller: Caller, pages: UpstreamBlocks): RecentlyListed['readerOf'] {
  const identity = identityOf(caller.credentials);
  return ({ projectId, enterpriseProjectId }) => {
    const access = caller.access(projectId, enterpriseProjectId);
    if (access instanceof HssError) return undefined;
    const mayRead =
      access === 'granted' ||
      pages.proven({ prover: identity, api: 'ListPortStatistics', projectId, enterpriseProjectId });
    return mayRead ? readerFor(identity, enterpriseProjectId) : undefined;
  };
}

function createGatewayContext(inputs: ContextInputs): GatewayContext {
  const operation: GatewayContext['operation'] = {
    name: inputs.operationName,
    pagesAsked: 0,
    upstreamCalls: 0,
    sharedCalls: 0,
    cachedPages: 0,
  };
  const { caller } = inputs;
  const identity = caller instanceof HssError ? undefined : identityOf(caller.credentials);
  const call = {
    logger: inputs.logger,
    operation,
    clientAddress: inputs.clientAddress,
    cancellation: inputs.cancellation,
    deadlineAt: inputs.deadlineAt,
  };
  const pageLoader = createPageLoader({
    pages: inputs.pages,
    caller,
    call,
    maxPages: inputs.maxOperationPrice,
    snapshots: inputs.snapshots,
  });
  const loadPage = statisticsPageLoader(
    pageLoader,
    inputs.snapshots,
    inputs.listed && !(caller instanceof HssError)
      ? { ...inputs.listed, readerOf: listedReaderOf(caller, inputs.pages), operation }
      : undefined,
  );
  let entities: GatewayContext['entities'] | undefined;
  let servers: GatewayContext['servers'] | undefined;
  const loadServersPage = serversPageLoader(pageLoader);
  return {
    requestId: inputs.requestId,
    logger: inputs.logger,
    defaultProjectId: inputs.defaultProjectId,
    operation,
    loadPage,
    loadServersPage,
    maxOperationPrice: inputs.maxOperationPrice,
    principal: caller instanceof HssError ? undefined : caller.principal,
    budget: (api) => (identity === undefined ? Promise.resolve(null) : inputs.pages.budgetOf(identity, api)),
    // Only lookups by id need it: most requests never do.
    get entities() {
      entities ??= createEntityLoader(loadPage);
      return entities;
    },
    get servers() {
      servers ??= new DataLoader(
        (keys) => Promise.all(keys.map((key) => loadPortServer(key, loadServersPage))),
        {
          cacheKeyFn: encodePortServerKey,
        },
      );
      return servers;
    },
  };
}

/** What every request's context shares: the gateway's own parts. */
export interface SharedContextInputs {
  logger: Logger;
  pages: UpstreamBlocks;
  defaultProjectId: string | undefined;
  /** How long a request waits for HSS at most (GRAPHQL_DEADLINE_MS). */
  deadlineMs: number;
  maxOperationPrice: number;
  /** When lists are answered from snapshots of their whole table. */
  snapshots: SnapshotPolicy;
  listed?: ListedRowsPolicy;
}

/** What is a request's own. */
interface RequestContextInputs {
  requestId: string;
  caller: Caller | HssError;
  operationName: string | null;
  clientAddress: string;
  cancellation?: Cancellation;
}

export type ContextFactory = (request: RequestContextInputs) => GatewayContext;

/** Builds each request's context, for yoga. */
export function createContextFactory(shared: SharedContextInputs): ContextFactory {
  return (request) =>
    createGatewayContext({
      requestId: request.requestId,
      logger: shared.logger.child({ requestId: request.requestId }),
      pages: shared.pages,
      caller: request.caller,
      defaultProjectId: shared.defaultProjectId,
      operationName: request.operationName,
      clientAddress: request.clientAddress,
      cancellation: request.cancellation,
      deadlineAt: Date.now() + shared.deadlineMs,
      maxOperationPrice: shared.maxOperationPrice,
      snapshots: shared.snapshots,
      listed: shared.listed,
    });
}
