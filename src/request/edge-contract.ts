/**
 * The edge contract: what the HTTP handler in front of yoga (src/http/gateway-handler.ts) gives yoga
 * with a request it read itself, and what yoga's answer tells it back. Going in: who asks and the
 * request's id, in yoga's server context. Coming back: response headers of the gateway's own (the
 * handler strips them before anything is sent) saying for how long the answer may be kept and what
 * it cost; and, in the answer's `extensions.cost`, a marker where the handler writes the cost, so a
 * kept answer is told its own cost on every hit without reading or rewriting the rest of it.
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../auth/principal.js';
import type { HssError } from '../errors/hss-error.js';
import type { Cancellation } from '../quota/cancellation.js';
import type { CostExtension } from './ledger.js';

/** What the handler learnt of a request it read itself. */
export interface EdgeFacts {
  /** Who asks, authenticated once by the handler; or why not. */
  readonly caller: Caller | HssError;
  readonly requestId: string;
}

/** yoga's server context, as the gateway fills it. */
export interface GatewayServerContext {
  /** Set when the HTTP handler read the request itself. */
  edge?: EdgeFacts;
  /** The caller's address (a trusted proxy's X-Forwarded-For, else the socket's), for rationing. */
  clientAddress?: string;
  /** The client's going away, as the HTTP handler hears it; else yoga's request.signal says it. */
  cancellation?: Cancellation;
}

/** How long the answer may be served from the response cache, in ms; absent or 0: not at all. */
export const CACHEABLE_FOR_HEADER = 'x-hss-gateway-cacheable-ms';
/** The answer's `extensions.cost`, and the blocks it was built from, as JSON (see costHeaderOf). */
export const COST_HEADER = 'x-hss-gateway-cost';
/** Every response header of the gateway's own, which never leaves it. */
export const EDGE_HEADERS: ReadonlySet<string> = new Set([CACHEABLE_FOR_HEADER, COST_HEADER]);

/**
 * What stands in `extensions.cost` of an answer to a request the handler read: a string no data can
 * hold (it is new in every process), replaced by the cost before the answer is sent.
 */
export const COST_MARKER = `hss-gateway-cost-${randomUUID()}`;

/** What the cost header says: the cost to write at the marker, and the blocks a kept answer serves. */
export interface CostTold {
  cost: CostExtension;
  blocks: number;
  /** The operation's name, and when its oldest data was fetched: what a hit of a kept answer logs. */
  operation: string | null;
  fetchedAt: number | null;
  /** Whether any of its data was stale, and its errors' codes (what a joiner's log line says). */
  stale: boolean;
  errorCodes: string[];
}

export const costHeaderOf = (told: CostTold) => JSON.stringify(told);
export const readCostHeader = (value: string | null): CostTold | undefined =>
  value === null ? undefined : (JSON.parse(value) as CostTold);
