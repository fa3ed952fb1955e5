/**
 * The per-request context: the request's logger (bound to its request id), its credentials and
 * its upstream loaders. A new one per GraphQL request, so nothing leaks between callers.
 */
import type DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { LoadPage } from './port-statistics/connection.js';
import { createPageLoader, type PageKey, pageLoaderFunction } from './port-statistics/loader.js';
import type { PortStatisticsPage } from './port-statistics/model.js';
import type { Credentials } from './upstream/credentials.js';
import type { HssClient } from './upstream/hss-client.js';
import type { HssError } from './upstream/hss-error.js';

export interface GatewayContext {
  requestId: string;
  logger: Logger;
  /** The configured default project, used when a query names none. */
  defaultProjectId: string | undefined;
  /** The GraphQL operation; `name` is filled in by useOperationName once the document is known. */
  operation: { name: string | null };
  pageLoader: DataLoader<PageKey, PortStatisticsPage, string>;
  loadPage: LoadPage;
}

export interface ContextInputs {
  requestId: string;
  logger: Logger;
  client: HssClient;
  credentials: Credentials | HssError;
  defaultProjectId: string | undefined;
  /** The operation name the client sent, if any. */
  operationName: string | null;
  signal?: AbortSignal;
}

export function createGatewayContext(inputs: ContextInputs): GatewayContext {
  const operation = { name: inputs.operationName };
  const pageLoader = createPageLoader({ ...inputs, operation });
  return {
    requestId: inputs.requestId,
    logger: inputs.logger,
    defaultProjectId: inputs.defaultProjectId,
    operation,
    pageLoader,
    loadPage: pageLoaderFunction(pageLoader),
  };
}
