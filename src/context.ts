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
  pageLoader: DataLoader<PageKey, PortStatisticsPage, string>;
  loadPage: LoadPage;
}

export interface ContextInputs {
  requestId: string;
  logger: Logger;
  client: HssClient;
  credentials: Credentials | HssError;
  defaultProjectId: string | undefined;
  operationName: string | null;
  signal?: AbortSignal;
}

export function createGatewayContext(inputs: ContextInputs): GatewayContext {
  const pageLoader = createPageLoader(inputs);
  return {
    requestId: inputs.requestId,
    logger: inputs.logger,
    defaultProjectId: inputs.defaultProjectId,
    pageLoader,
    loadPage: pageLoaderFunction(pageLoader),
  };
}
