/**
 * One line per GraphQL request answered, for whoever is on call: its id (as in the response's
 * x-request-id, so a user's report finds it), operation, status, duration, error codes, what it
 * spent of HSS's quota and where its data came from. At info; a fraction of the lines of answers
 * without errors when ACCESS_LOG_SAMPLE says so, every answer with errors always. Never a token,
 * a variable or a document: the operation name is the client's, cut short.
 */
import type { Logger } from 'pino';
import { requestIdFor } from '../request/request-id.js';

/** Where an answer's data came from. */
export type ServedFrom =
  /** a whole answer stored for this caller (the response cache) */
  | 'response-cache'
  /** the answer an identical request in flight was given, shared */
  | 'joined'
  /** blocks stored by earlier calls (the block cache), fresh or stale */
  | 'block-cache'
  /** at least one call to HSS, this request's or one it joined */
  | 'hss'
  /** no HSS data (an error before any, or a request that reads none) */
  | 'none';

/** A GraphQL request answered, as the access log and the metrics hear of it. */
export interface Answered {
  requestId: string;
  operation: string | null;
  method: string;
  status: number;
  durationMs: number;
  /** The `extensions.code` of each error, in order. */
  errorCodes: readonly string[];
  upstreamCalls: number;
  sharedCalls: number;
  /** Blocks of 200 rows the answer was built from. */
  blocks: number;
  served: ServedFrom;
  /** How long ago the oldest data in it was fetched from HSS, in ms; null: none. */
  dataAgeMs: number | null;
  stale: boolean;
}

/** Where the data of an answer yoga built came from, by its ledger. */
export function servedFrom(ledger: { cachedBlocks: number; blocksServed: number }): ServedFrom {
  if (ledger.blocksServed === 0) return 'none';
  // A call refused (a 429) brought nothing: where the data came from is what was served.
  return ledger.cachedBlocks === ledger.blocksServed ? 'block-cache' : 'hss';
}

/**
 * A whole answer another request's pipeline made: kept in the response cache (no error, fresh when
 * it was kept), or made while this identical request waited (`joined`: its errors and staleness).
 */
export function answeredFromCache(
  requestId: string,
  hit: {
    status: number;
    blocks: number;
    operation: string | null;
    fetchedAt: number | null;
    stale?: boolean;
    errorCodes?: readonly string[];
  },
  started: number,
  now: number,
  served: 'response-cache' | 'joined' = 'response-cache',
): Answered {
  return {
    requestId,
    operation: hit.operation,
    method: 'POST',
    status: hit.status,
    durationMs: performance.now() - started,
    errorCodes: hit.errorCodes ?? [],
    upstreamCalls: 0,
    sharedCalls: 0,
    blocks: hit.blocks,
    served,
    dataAgeMs: hit.fetchedAt === null ? null : Math.max(0, now - hit.fetchedAt),
    stale: hit.stale ?? false,
  };
}

/** A request the HTTP handler answered itself with an error (busy, or a fault of its own). */
export function refusedAtTheEdge(
  req: { headers: Record<string, string | string[] | undefined>; method?: string | undefined },
  status: number,
  code: string,
): Answered {
  const given = req.headers['x-request-id'];
  return {
    requestId: requestIdFor(typeof given === 'string' ? given : undefined),
    operation: null,
    method: req.method ?? 'POST',
    status,
    durationMs: 0,
    errorCodes: [code],
    upstreamCalls: 0,
    sharedCalls: 0,
    blocks: 0,
    served: 'none',
    dataAgeMs: null,
    stale: false,
  };
}

const OPERATION_NAME_CHARS = 100;

export class AccessLog {
  constructor(
    private readonly logger: Logger,
    /** ACCESS_LOG_SAMPLE: the fraction of answers without errors logged. */
    private readonly sample: number,
    private readonly random: () => number = Math.random,
  ) {}

  record(answer: Answered): void {
    const failed = answer.errorCodes.length > 0 || answer.status >= 400;
    if (!failed && (this.sample <= 0 || (this.sample < 1 && this.random() >= this.sample))) return;
    this.logger.info(
      {
        requestId: answer.requestId,
        operation: answer.operation?.slice(0, OPERATION_NAME_CHARS) ?? null,
        method: answer.method,
        status: answer.status,
        durationMs: Math.round(answer.durationMs * 10) / 10,
        errors: answer.errorCodes,
        upstreamCalls: answer.upstreamCalls,
        sharedCalls: answer.sharedCalls,
        blocks: answer.blocks,
        served: answer.served,
        dataAgeMs: answer.dataAgeMs,
        stale: answer.stale,
      },
      'graphql request',
    );
  }
}
