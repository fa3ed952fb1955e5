/**
 * The gateway's HTTP request handler: yoga answers everything, with two shortcuts in front of it
 * for GraphQL POSTs in JSON, which it reads itself. A request whose answer is in the response cache
 * (same caller, same body bytes) is answered from the stored bytes; one the fast lane can run
 * (src/http/fast-lane.ts) is run there. Everything else goes to yoga with the body already read,
 * and what yoga answers teaches the fast lane and fills the response cache when it may.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import {
  type CredentialPolicy,
  credentialsFromHeaders,
  nodeHeaderReader,
} from '../credentials/caller-credentials.js';
import { identityOf } from '../credentials/credentials.js';
import { HssError } from '../errors/hss-error.js';
import { refusalBody } from '../errors/refusals.js';
import { type CostExtension, costExtension } from '../graphql/answer-extensions.js';
import { requestIdFor } from '../plugins/use-request-id.js';
import type { BudgetState } from '../quota/call-budget.js';
import { responseCancellation } from '../quota/cancellation.js';
import type { GatewayYoga } from '../yoga.js';
import { withCost, withoutCost } from './answer-cost.js';
import type { HttpExchange } from './exchange.js';
import type { FastLane } from './fast-lane.js';
import { readGraphQLParams } from './graphql-params.js';
import type { ResponseCache, StoredResponse } from './response-cache.js';

export interface GatewayHandlerOptions {
  yoga: GatewayYoga;
  /** Undefined: no response cache (CACHE_TTL_SECONDS=0). */
  responseCache: ResponseCache | undefined;
  /** Undefined: every GraphQL request runs through yoga (e.g. with tracing on). */
  fastLane: FastLane | undefined;
  credentials: CredentialPolicy;
  /** Bodies above this are left to yoga, which refuses them. */
  maxRequestBytes: number;
  /** Told of every response-cache lookup, for metrics. */
  onResponseCacheLookup?: (result: 'hit' | 'miss') => void;
  /** Where a credential's budget stands: what a response-cache hit says in `extensions.cost`. */
  budgetOf: (identity: string) => Promise<BudgetState | null>;
  logger: Logger;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const GRAPHQL_PATH = '/graphql';
const INTERNAL_ERROR = refusalBody('INTERNAL_SERVER_ERROR', 'Unexpected error.');
// The URL yoga sees for a request the handler has read; only its path matters to yoga.
const BASE_URL = 'http://gateway.invalid';

/** Whether the handler reads a request itself: a GraphQL POST in JSON of an acceptable size. */
function readsItself(req: IncomingMessage, maxRequestBytes: number): boolean {
  if (req.method !== 'POST' || req.url !== GRAPHQL_PATH) return false;
  const length = Number(req.headers['content-length']);
  if (!Number.isInteger(length) || length <= 0 || length > maxRequestBytes) return false;
  if (!req.headers['content-type']?.startsWith('application/json')) return false;
  // Streamed formats (multipart, server-sent events) are yoga's alone.
  const accept = req.headers.accept;
  return accept === undefined || accept.includes('json') || accept.includes('*/*');
}

// Socket chunks are backed by plain ArrayBuffers (fetch's BodyInit wants to know).
function readBody(req: IncomingMessage, length: number): Promise<Buffer<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer<ArrayBuffer>[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer<ArrayBuffer>) => {
      size += chunk.length;
      if (size > length) {
        req.destroy();
        reject(new Error('the body is longer than its Content-Length'));
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer<ArrayBuffer>) : Buffer.concat(chunks)),
    );
    req.once('error', reject);
  });
}

function send(res: ServerResponse, response: StoredResponse, requestId: string): void {
  // A flat list of raw headers: Node writes it as it is, without a header object to fill first.
  const headers: string[] = ['x-request-id', requestId, 'content-length', String(response.body.length)];
  for (const [name, value] of response.headers) headers.push(name, value);
  res.writeHead(response.status, headers);
  res.end(response.body);
}

export function createGatewayHandler(options: GatewayHandlerOptions): RequestHandler {
  const { yoga, responseCache, fastLane, credentials: policy, maxRequestBytes } = options;

  async function viaYoga(req: IncomingMessage, body: Buffer<ArrayBuffer>, exchange: HttpExchange) {
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
    }
    const response = await yoga.fetch(
      `${BASE_URL}${GRAPHQL_PATH}`,
      { method: 'POST', headers, body },
      { exchange },
    );
    return {
      status: response.status,
      headers: [...response.headers].filter(([name]) => name !== 'x-request-id' && name !== 'content-length'),
      body: Buffer.from(await response.arrayBuffer()),
    };
  }

  async function serveGraphQLPost(req: IncomingMessage, res: ServerResponse, body: Buffer<ArrayBuffer>) {
    const given = req.headers['x-request-id'];
    const requestId = requestIdFor(typeof given === 'string' ? given : undefined);
    const credentials = credentialsFromHeaders(nodeHeaderReader(req.headers), policy);
    const { origin, accept } = req.headers;
    // Without credentials the answer is an error: neither shortcut applies.
    const known = credentials instanceof HssError ? undefined : credentials;
    const identity = identityOf(credentials);
    const key = identity && responseCache?.keyOf(identity, { body, origin, accept });
    if (identity !== undefined && key !== undefined && responseCache) {
      const hit = responseCache.get(key);
      options.onResponseCacheLookup?.(hit ? 'hit' : 'miss');
      if (hit) {
        const cost = costExtension(undefined, await options.budgetOf(identity));
        send(res, { ...hit, body: withCost(hit.body, { ...cost, cachedPages: hit.pages }) }, requestId);
        return;
      }
    }
    const params = fastLane && known ? readGraphQLParams(body) : undefined;
    const fast =
      params && known && fastLane
        ? await fastLane.answer({
            params,
            credentials: known,
            requestId,
            origin,
            accept,
            cancellation: responseCancellation(res),
          })
        : undefined;
    let answer: StoredResponse;
    let cacheableForMs: number;
    let cost: CostExtension | undefined;
    if (fast) {
      ({ cacheableForMs, cost } = fast);
      answer = fast;
    } else {
      const exchange: HttpExchange = { credentials, requestId, cacheableForMs: 0, ran: false };
      answer = await viaYoga(req, body, exchange);
      ({ cacheableForMs, cost } = exchange);
      if (params && exchange.ran && answer.status === 200) fastLane?.learn(params, origin, accept, answer);
    }
    send(res, answer, requestId);
    if (key !== undefined && cost && answer.status === 200 && cacheableForMs > 0) {
      const head = withoutCost(answer.body, cost);
      const pages = cost.upstreamCalls + cost.sharedCalls + cost.cachedPages;
      if (head) responseCache?.set(key, { ...answer, body: head, pages }, cacheableForMs);
    }
  }

  return (req, res) => {
    if (!readsItself(req, maxRequestBytes)) {
      yoga(req, res);
      return;
    }
    readBody(req, Number(req.headers['content-length'])).then(
      (body) =>
        serveGraphQLPost(req, res, body).catch((error: unknown) => {
          // A fault of the gateway's own: yoga would have masked it the same way.
          options.logger.error({ err: error }, 'unexpected error answering a GraphQL request');
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
