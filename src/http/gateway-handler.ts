/**
 * The gateway's HTTP request handler: yoga answers everything, with a response cache in front of
 * it for GraphQL POSTs in JSON, which the handler reads itself. A request flows:
 * 1. the handler reads the body, the caller's credentials and address (`readRequest`);
 * 2. an answer stored for the same caller, body, Origin and Accept is sent as it was (`fromCache`),
 *    unless HSS has refused the caller's credentials since;
 * 3. else yoga runs it (`viaYoga`), given what the handler learnt (the edge contract:
 *    src/request/edge-contract.ts), and its answer is sent with its cost written in;
 * 4. and an answer yoga says may be kept is stored, with the marker where each hit writes its cost
 *    (`keep`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { YogaServerInstance } from 'graphql-yoga';
import type { Logger } from 'pino';
import type { RequestFacts } from '../auth/authenticate.js';
import type { Caller } from '../auth/principal.js';
import type { HssError } from '../errors/hss-error.js';
import { refusalBody } from '../errors/refusals.js';
import { type Answered, answeredFromCache, refusedAtTheEdge } from '../observability/access-log.js';
import {
  CACHEABLE_FOR_HEADER,
  COST_HEADER,
  EDGE_HEADERS,
  type GatewayServerContext,
  readCostHeader,
} from '../request/edge-contract.js';
import { type ApiBudgets, type CostExtension, costExtension } from '../request/ledger.js';
import type { GatewayContext } from '../schema/types.js';
import { hasCostMarker, withCost } from './answer-cost.js';
import { AnswerFlights } from './answer-flights.js';
import type { ClientAddressOf } from './client-address.js';
import { responseCancellation } from './client-gone.js';
import type { BytesInFlight } from './connection-limits.js';
import { GRAPHQL_PATH, isStreamed, readBody, readsItself, relayStream, send } from './graphql-post.js';
import { type ReadRequest, readRequest } from './read-request.js';
import type { ResponseCache, StoredResponse } from './response-cache.js';

export interface GatewayHandlerOptions {
  yoga: YogaServerInstance<GatewayServerContext, GatewayContext>;
  /** Undefined: no response cache (CACHE_TTL_SECONDS=0). */
  responseCache: ResponseCache | undefined;
  /** Who asks: settled before the response cache or yoga is asked anything. */
  authenticate(request: RequestFacts): Promise<Caller | HssError>;
  /** Request bodies held at once (HTTP_MAX_BYTES_IN_FLIGHT); undefined: not bounded. */
  bytesInFlight?: BytesInFlight;
  /** Bodies above this are left to yoga, which refuses them. */
  maxRequestBytes: number;
  /** Who asks, by address (TRUSTED_PROXIES). */
  clientAddressOf: ClientAddressOf;
  /** HSS's refusal of these credentials, while it is remembered: nothing is served to them. */
  refusalOf(identity: string): HssError | undefined;
  /** Told of every response-cache lookup (metrics), and of every answer yoga does not send. */
  onResponseCacheLookup?: (result: 'hit' | 'miss') => void;
  onAnswered?: (answered: Answered) => void;
  now: () => number;
  /** Where a credential's budget stands: what a response-cache hit says in `extensions.cost`. */
  budgetOf: (identity: string) => Promise<ApiBudgets>;
  logger: Logger;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const INTERNAL_ERROR = refusalBody('INTERNAL_SERVER_ERROR', 'Unexpected error.');
const BUSY = refusalBody(
  'SERVICE_UNAVAILABLE',
  'The gateway is reading as many request bodies as it may hold at once; retry in a second.',
);
// The URL yoga sees for a request the handler has read; only its path matters to yoga.
const BASE_URL = 'http://gateway.invalid';

/** yoga's answer, and what it told the handler of it (the edge contract). */
interface YogaAnswer {
  /** Without the headers of the gateway's own, its cost still a marker. */
  response: StoredResponse;
  cost: CostExtension | undefined;
  /** The blocks it was built from: what a response-cache hit of it serves. */
  blocks: number;
  operation: string | null;
  fetchedAt: number | null;
  /** Whether any of its data was stale, and its errors' codes. */
  stale: boolean;
  errorCodes: string[];
  cacheableForMs: number;
}

/** The client closed its connection while its answer was being made. */
class ClientGone extends Error {}
/** yoga's answer came in parts and is relayed as it comes: nothing to share, keep or send. */
class AnswerStreamed extends Error {}

export function createGatewayHandler(options: GatewayHandlerOptions): RequestHandler {
  const { yoga, responseCache, maxRequestBytes } = options;
  const flights = new AnswerFlights<YogaAnswer>();

  /** Sends the stored answer, if there is one this caller may still be given. */
  async function fromCache(res: ServerResponse, request: ReadRequest, started: number): Promise<boolean> {
    const { answerKey: cacheKey, identity } = request;
    if (cacheKey === undefined || identity === undefined || !responseCache) return false;
    // A caller HSS has refused since gets nothing more, not even what it was answered before.
    if (options.refusalOf(identity)) return false;
    const hit = responseCache.get(cacheKey);
    options.onResponseCacheLookup?.(hit ? 'hit' : 'miss');
    if (!hit) return false;
    const cost = costExtension(undefined, await options.budgetOf(identity));
    send(
      res,
      { ...hit, body: withCost(hit.body, { ...cost, cachedPages: hit.blocks }) },
      request.edge.requestId,
    );
    options.onAnswered?.(answeredFromCache(request.edge.requestId, hit, started, options.now()));
    return true;
  }

  /** Sends an identical request's answer made while this one waited, with its own cost written in. */
  async function joined(
    res: ServerResponse,
    request: ReadRequest,
    answer: YogaAnswer | undefined,
    started: number,
  ) {
    const { identity } = request;
    if (!answer?.cost || identity === undefined || !hasCostMarker(answer.response.body)) {
      return false;
    }
    const { upstreamCalls, sharedCalls } = answer.cost;
    const cost = {
      ...costExtension(undefined, await options.budgetOf(identity)),
      sharedCalls: upstreamCalls + sharedCalls,
    };
    const { response, ...made } = answer;
    send(res, { ...response, body: withCost(response.body, cost) }, request.edge.requestId);
    const told = { ...made, status: response.status };
    options.onAnswered?.(answeredFromCache(request.edge.requestId, told, started, options.now(), 'joined'));
    return true;
  }

  async function viaYoga(
    req: IncomingMessage,
    res: ServerResponse,
    request: ReadRequest,
  ): Promise<YogaAnswer> {
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
    }
    // A client that goes away stops its request waiting on HSS, as yoga's own Node adapter does
    // through request.signal for the requests it reads itself.
    const cancellation = responseCancellation(res);
    const response = await yoga.fetch(
      `${BASE_URL}${GRAPHQL_PATH}`,
      { method: 'POST', headers, body: request.body },
      { edge: request.edge, clientAddress: request.clientAddress, cancellation },
    );
    // Its answer may say it was cancelled: not one to share with those who joined, or to keep.
    if (cancellation.aborted) {
      // A stream nobody reads must end, or its source (a live list) would read on for nobody.
      await response.body?.cancel().catch(() => undefined);
      throw new ClientGone();
    }
    if (isStreamed(response)) {
      // Relayed as it comes, for as long as it lasts (a live list, hours): the flight settles now,
      // so an identical request runs itself instead of waiting for this stream to end.
      void relayStream(res, response, request.edge.requestId, (name) => EDGE_HEADERS.has(name));
      throw new AnswerStreamed();
    }
    const told = readCostHeader(response.headers.get(COST_HEADER));
    return {
      response: {
        status: response.status,
        headers: [...response.headers].filter(
          ([name]) => name !== 'x-request-id' && name !== 'content-length' && !EDGE_HEADERS.has(name),
        ),
        body: Buffer.from(await response.arrayBuffer()),
      },
      cost: told?.cost,
      blocks: told?.blocks ?? 0,
      operation: told?.operation ?? null,
      fetchedAt: told?.fetchedAt ?? null,
      stale: told?.stale ?? false,
      errorCodes: told?.errorCodes ?? [],
      cacheableForMs: Number(response.headers.get(CACHEABLE_FOR_HEADER) ?? 0),
    };
  }

  /** Stores an answer yoga said may be kept, with the marker where each hit writes its own cost. */
  function keep(request: ReadRequest, answer: YogaAnswer): void {
    const { response, cost, cacheableForMs } = answer;
    const { answerKey: cacheKey } = request;
    if (cacheKey === undefined || !cost || response.status !== 200 || !(cacheableForMs > 0)) return;
    if (!hasCostMarker(response.body)) return;
    const { blocks, operation, fetchedAt } = answer;
    responseCache?.set(cacheKey, { ...response, blocks, operation, fetchedAt }, cacheableForMs);
  }

  async function serveGraphQLPost(req: IncomingMessage, res: ServerResponse, body: Buffer<ArrayBuffer>) {
    const started = performance.now();
    const request = await readRequest(req, body, options);
    if (await fromCache(res, request, started)) return;
    const key = request.answerKey;
    const flying = key === undefined ? undefined : flights.joining(key);
    if (flying && (await joined(res, request, await flying, started))) return;
    const answer = await (key === undefined
      ? viaYoga(req, res, request)
      : flights.lead(key, () => viaYoga(req, res, request)));
    const cost = answer.cost ?? costExtension(undefined, null);
    send(res, { ...answer.response, body: withCost(answer.response.body, cost) }, request.edge.requestId);
    keep(request, answer);
  }

  return (req, res) => {
    // Bodies being read are held in memory: their sum is bounded, whoever sends them.
    const length = Number(req.headers['content-length']);
    const held = Number.isInteger(length) && length > 0 ? Math.min(length, maxRequestBytes) : 0;
    if (held > 0 && options.bytesInFlight && !options.bytesInFlight.hold(req, res, held)) {
      res.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': '1',
        connection: 'close',
      });
      res.end(BUSY);
      options.onAnswered?.(refusedAtTheEdge(req, 503, 'SERVICE_UNAVAILABLE'));
      return;
    }
    if (!readsItself(req, maxRequestBytes)) {
      yoga(req, res, { clientAddress: options.clientAddressOf(req) });
      return;
    }
    readBody(req, length).then(
      (body) =>
        serveGraphQLPost(req, res, body).catch((error: unknown) => {
          // Nobody to answer: not a fault, and nothing to write.
          if (error instanceof AnswerStreamed) return;
          if (error instanceof ClientGone) {
            options.logger.debug('the client went away before its answer');
            return;
          }
          // A fault of the gateway's own: yoga would have masked it the same way.
          options.logger.error({ err: error }, 'unexpected error answering a GraphQL request');
          options.onAnswered?.(refusedAtTheEdge(req, 500, 'INTERNAL_SERVER_ERROR'));
          if (res.headersSent) res.destroy();
          else res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' }).end(INTERNAL_ERROR);
        }),
      // The client went away mid-body, or sent more than it announced: nothing to answer.
      () => {
        if (!res.headersSent) res.writeHead(400, { connection: 'close' }).end();
        else res.destroy();
      },
    );
  };
}
