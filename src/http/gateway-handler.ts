/**
 * The gateway's HTTP request handler: yoga answers everything, with one shortcut in front of it.
 * A GraphQL POST whose answer is in the response cache (same caller, same body bytes) is answered
 * from the stored bytes without parsing or executing anything; on a miss, yoga answers and the
 * answer is stored if it may be (no errors, fresh pages). Every other request goes to yoga as is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type CredentialPolicy, credentialsFromHeaders, nodeHeaderReader } from '../caller-credentials.js';
import { requestIdFor } from '../plugins/use-request-id.js';
import { credentialIdentity } from '../upstream/credentials.js';
import { HssError } from '../upstream/hss-error.js';
import type { GatewayYoga } from '../yoga.js';
import type { HttpExchange } from './exchange.js';
import type { ResponseCache, StoredResponse } from './response-cache.js';

export interface GatewayHandlerOptions {
  yoga: GatewayYoga;
  /** Undefined: no response cache (CACHE_TTL_SECONDS=0); every request goes to yoga. */
  responseCache: ResponseCache | undefined;
  credentials: CredentialPolicy;
  /** Bodies above this are left to yoga, which refuses them. */
  maxRequestBytes: number;
  /** Told of every response-cache lookup, for metrics. */
  onResponseCacheLookup?: (result: 'hit' | 'miss') => void;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

const GRAPHQL_PATH = '/graphql';
// The URL yoga sees for a request the shortcut has read; only its path matters to yoga.
const BASE_URL = 'http://gateway.invalid';

/** Whether a request can be answered from (and stored into) the response cache at all. */
function cacheable(req: IncomingMessage, maxRequestBytes: number): boolean {
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
  res.statusCode = response.status;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.setHeader('x-request-id', requestId);
  res.setHeader('content-length', response.body.length);
  res.end(response.body);
}

export function createGatewayHandler(options: GatewayHandlerOptions): RequestHandler {
  const { yoga, responseCache, credentials: policy, maxRequestBytes } = options;

  async function serveGraphQLPost(req: IncomingMessage, res: ServerResponse, cache: ResponseCache) {
    const body = await readBody(req, Number(req.headers['content-length']));
    const given = req.headers['x-request-id'];
    const requestId = requestIdFor(typeof given === 'string' ? given : undefined);
    const credentials = credentialsFromHeaders(nodeHeaderReader(req.headers), policy);
    // Without credentials the answer is an error, which is never stored: no lookup either.
    const key =
      credentials instanceof HssError
        ? undefined
        : cache.keyOf(credentialIdentity(credentials), {
            body,
            origin: req.headers.origin,
            accept: req.headers.accept,
          });
    const hit = key === undefined ? undefined : cache.get(key);
    options.onResponseCacheLookup?.(hit ? 'hit' : 'miss');
    if (hit) {
      send(res, hit, requestId);
      return;
    }
    const exchange: HttpExchange = { credentials, requestId, cacheableForMs: 0 };
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      headers.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
    }
    const response = await yoga.fetch(
      `${BASE_URL}${GRAPHQL_PATH}`,
      { method: 'POST', headers, body },
      { exchange },
    );
    const answer: StoredResponse = {
      status: response.status,
      headers: [...response.headers].filter(([name]) => name !== 'x-request-id' && name !== 'content-length'),
      body: Buffer.from(await response.arrayBuffer()),
    };
    send(res, answer, requestId);
    if (key !== undefined && answer.status === 200 && exchange.cacheableForMs > 0) {
      cache.set(key, answer, exchange.cacheableForMs);
    }
  }

  return (req, res) => {
    if (!responseCache || !cacheable(req, maxRequestBytes)) {
      yoga(req, res);
      return;
    }
    serveGraphQLPost(req, res, responseCache).catch(() => {
      // The client went away mid-body, or sent more than it announced: nothing to answer.
      if (!res.headersSent) res.writeHead(400, { connection: 'close' }).end();
      else res.destroy();
    });
  };
}
