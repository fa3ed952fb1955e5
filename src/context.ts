/**
 * The per-request context: the request's logger (bound to its request id), its credentials and
 * its upstream loaders. A new one per GraphQL request, so nothing leaks between callers.
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import { loadPortServer, type PortServerRow } from './port-servers/connection.js';
import { encodePortServerKey, type PortServerKey } from './port-servers/node-id.js';
import type { LoadPage, PortStatisticRow } from './port-statistics/connection.js';
import {
  createEntityLoader,
  createPageLoader,
  type GatewayOperation,
  type LoadServersPage,
  serversPageLoader,
  statisticsPageLoader,
} from './port-statistics/loader.js';
import type { PortStatisticKey } from './port-statistics/node-id.js';
import type { BudgetState } from './quota/call-budget.js';
import type { Cancellation } from './quota/cancellation.js';
import type { UpstreamPages } from './quota/page-source.js';
import { type Credentials, credentialIdentity } from './upstream/credentials.js';
import type { HssApiName } from './upstream/hss-apis.js';
import { HssError } from './upstream/hss-error.js';

export interface GatewayContext {
  requestId: string;
  logger: Logger;
  /** The configured default project, used when a query names none. */
  defaultProjectId: string | undefined;
  /**
   * The GraphQL operation: `name` is filled in by useOperationName once the document is known,
   * `traceContext` by the tracing plugin (when tracing is on), for upstream calls' spans.
   */
  operation: GatewayOperation & { name: string | null; traceContext?: OtelContext };
  /** Who the request calls HSS as, by a digest: what caches key per caller. `none` without credentials. */
  credentialIdentity: string;
  loadPage: LoadPage;
  /** Pages of the servers with a port open (ListPortHost), through the same loader. */
  loadServersPage: LoadServersPage;
  /** The most upstream calls one operation may cost (MAX_OPERATION_COST). */
  maxOperationCost: number;
  /** Where the caller's upstream budget stands; null without credentials or without a budget. */
  budget(api?: HssApiName): Promise<BudgetState | null>;
  /** PortServers by identity, batched per request (their pages through the same loader). */
  servers: DataLoader<PortServerKey, PortServerRow | null, string>;
  /** PortStatistics by identity, batched per request. */
  entities: DataLoader<PortStatisticKey, PortStatisticRow | null, string>;
}

export interface ContextInputs {
  requestId: string;
  logger: Logger;
  pages: UpstreamPages;
  credentials: Credentials | HssError;
  defaultProjectId: string | undefined;
  /** The operation name the client sent, if any. */
  operationName: string | null;
  /** Cancellation of the request: its client went away. */
  cancellation?: Cancellation;
  /** The request's deadline, epoch milliseconds. */
  deadlineAt?: number;
  maxOperationCost: number;
}

export function createGatewayContext(inputs: ContextInputs): GatewayContext {
  const operation: GatewayContext['operation'] = {
    name: inputs.operationName,
    pagesAsked: 0,
    upstreamCalls: 0,
    sharedCalls: 0,
    cachedPages: 0,
  };
  const identity =
    inputs.credentials instanceof HssError ? undefined : credentialIdentity(inputs.credentials);
  const call = {
    logger: inputs.logger,
    operation,
    ...(inputs.cancellation ? { cancellation: inputs.cancellation } : {}),
    ...(inputs.deadlineAt !== undefined ? { deadlineAt: inputs.deadlineAt } : {}),
  };
  const pageLoader = createPageLoader({
    pages: inputs.pages,
    credentials: inputs.credentials,
    call,
    maxPages: inputs.maxOperationCost,
  });
  const loadPage = statisticsPageLoader(pageLoader);
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
    maxOperationCost: inputs.maxOperationCost,
    credentialIdentity: identity ?? 'none',
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
  pages: UpstreamPages;
  defaultProjectId: string | undefined;
  /** How long a request waits for HSS at most (GRAPHQL_DEADLINE_MS). */
  deadlineMs: number;
  maxOperationCost: number;
}

/** What is a request's own. */
export interface RequestContextInputs {
  requestId: string;
  credentials: Credentials | HssError;
  operationName: string | null;
  cancellation?: Cancellation;
}

export type ContextFactory = (request: RequestContextInputs) => GatewayContext;

/** Builds contexts the same way for yoga and for the HTTP handler's fast lane. */
export function createContextFactory(shared: SharedContextInputs): ContextFactory {
  return (request) =>
    createGatewayContext({
      requestId: request.requestId,
      logger: shared.logger.child({ requestId: request.requestId }),
      pages: shared.pages,
      credentials: request.credentials,
      defaultProjectId: shared.defaultProjectId,
      operationName: request.operationName,
      ...(request.cancellation ? { cancellation: request.cancellation } : {}),
      deadlineAt: Date.now() + shared.deadlineMs,
      maxOperationCost: shared.maxOperationCost,
    });
}
