/**
 * The types the schema layer owns: the per-request context its resolvers receive (built by
 * src/context.ts).
 */
import type { Context as OtelContext } from '@opentelemetry/api';
import type DataLoader from 'dataloader';
import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import type { ScopeTicks } from '../live/scope-ticks.js';
import type { OperationLedger } from '../model/rows.js';
import type { PortServerRow } from '../port-servers/connection.js';
import type { PortServerKey } from '../port-servers/node-id.js';
import type { PortStatisticRow } from '../port-statistics/connection.js';
import type { PortStatisticKey } from '../port-statistics/node-id.js';
import type { BudgetState } from '../quota/call-budget.js';
import type { ReadServers } from '../rows/server-rows.js';
import type { ReadStatistics } from '../rows/statistics-rows.js';
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
  /** The rows of statistics lists (ListPortStatistics): from a snapshot or from blocks. */
  readStatistics: ReadStatistics;
  /** The rows of servers lists (ListPortHost), through the same request loader. */
  readServers: ReadServers;
  /** The most upstream calls one operation may cost (MAX_OPERATION_COST). */
  maxOperationPrice: number;
  /** Where the caller's upstream budget stands; null without credentials or without a budget. */
  budget(api?: HssApiName): Promise<BudgetState | null>;
  /** Where the caller's budget of each upstream API stands (`extensions.cost.budgets`). */
  budgets(): Promise<Record<HssApiName, BudgetState | null>>;
  /** PortServers by identity, batched per request (their blocks through the same loader). */
  servers: DataLoader<PortServerKey, PortServerRow | null, string>;
  /** PortStatistics by identity, batched per request. */
  entities: DataLoader<PortStatisticKey, PortStatisticRow | null, string>;
  /** Starts a new read: a new ledger, loader and deadline (a live answer's each tick). */
  renew(): Promise<void>;
  /** The clocks of live answers; undefined where none are served. */
  live: ScopeTicks | undefined;
}
