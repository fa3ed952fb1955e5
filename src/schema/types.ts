/**
 * The types the schema layer owns: the per-request context its resolvers receive (built by
 * src/context.ts).
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import type DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import type { LoadServersPage, PortServerRow } from '../port-servers/connection.js';
import type { PortServerKey } from '../port-servers/node-id.js';
import type { LoadPage, PortStatisticRow } from '../port-statistics/connection.js';
import type { PortStatisticKey } from '../port-statistics/node-id.js';
import type { BudgetState } from '../quota/call-budget.js';
import type { OperationLedger } from '../request/ledger.js';
import type { HssApiName } from '../upstream/hss-apis.js';

export interface GatewayContext {
  requestId: string;
  logger: Logger;
  /** The configured default project, used when a query names none. */
  defaultProjectId: string | undefined;
  /**
   * The GraphQL operation: `name` is filled in by useOperationName once the document is known,
   * `traceContext` by the tracing plugin (when tracing is on), for upstream calls' spans.
   */
  operation: OperationLedger & { name: string | null; traceContext?: OtelContext };
  /** Who asks, verified; undefined where the request could not be authenticated. */
  principal: Principal | undefined;
  loadPage: LoadPage;
  /** Pages of the servers with a port open (ListPortHost), through the same loader. */
  loadServersPage: LoadServersPage;
  /** The most upstream calls one operation may cost (MAX_OPERATION_COST). */
  maxOperationPrice: number;
  /** Where the caller's upstream budget stands; null without credentials or without a budget. */
  budget(api?: HssApiName): Promise<BudgetState | null>;
  /** PortServers by identity, batched per request (their pages through the same loader). */
  servers: DataLoader<PortServerKey, PortServerRow | null, string>;
  /** PortStatistics by identity, batched per request. */
  entities: DataLoader<PortStatisticKey, PortStatisticRow | null, string>;
}
