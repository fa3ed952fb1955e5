/**
 * What the HTTP handler hands yoga with a request it has already read, and reads back once yoga
 * has answered: the gateway's part of yoga's server context for that request.
 */

import type { Caller } from '../auth/principal.js';
import type { HssError } from '../errors/hss-error.js';
import type { CostExtension } from './ledger.js';

export interface RequestHandoff {
  /** Who asks, authenticated once by the handler; or why not. */
  caller: Caller | HssError;
  requestId: string;
  /** How long the answer may be served from the response cache; 0: not at all. */
  cacheableForMs: number;
  /** The answer's `extensions.cost`, the part of it a response-cache hit says anew. */
  cost?: CostExtension;
}

/** yoga's server context, as the gateway fills it. */
export interface GatewayServerContext {
  /** Set when the HTTP handler read the request itself. */
  handoff?: RequestHandoff;
  /** The caller's address (a trusted proxy's X-Forwarded-For, else the socket's), for rationing. */
  clientAddress?: string;
}
