/**
 * What the HTTP handler hands yoga with a request it has already read, and reads back once yoga
 * has answered: yoga's server context for that request.
 */

import type { Credentials } from '../credentials/credentials.js';
import type { HssError } from '../errors/hss-error.js';
import type { CostExtension } from '../graphql/answer-extensions.js';

export interface HttpExchange {
  /** Read once from the request's headers, by the handler. */
  credentials: Credentials | HssError;
  requestId: string;
  /** How long the answer may be served from the response cache; 0: not at all. */
  cacheableForMs: number;
  /** Whether the operation ran (its document parsed, validated and was allowed). */
  ran: boolean;
  /** The answer's `extensions.cost`, the part of it a response-cache hit says anew. */
  cost?: CostExtension;
}

/** yoga's server context: the exchange when the HTTP handler read the request first. */
export interface GatewayServerContext {
  exchange?: HttpExchange;
}
