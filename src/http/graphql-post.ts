/**
 * A GraphQL POST on the wire, as the HTTP handler reads it itself: which requests it reads (JSON of
 * an acceptable size, answered in JSON), the body off the socket, and the answer written back.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredResponse } from './response-cache.js';

export const GRAPHQL_PATH = '/graphql';

/** Whether the handler reads a request itself: a GraphQL POST in JSON of an acceptable size. */
export function readsItself(req: IncomingMessage, maxRequestBytes: number): boolean {
  if (req.method !== 'POST' || req.url !== GRAPHQL_PATH) return false;
  const length = Number(req.headers['content-length']);
  if (!Number.isInteger(length) || length <= 0 || length > maxRequestBytes) return false;
  if (!req.headers['content-type']?.startsWith('application/json')) return false;
  // Streamed formats (multipart, server-sent events) are yoga's alone.
  const accept = req.headers.accept;
  return accept === undefined || accept.includes('json') || accept.includes('*/*');
}

// Socket chunks are backed by plain ArrayBuffers (fetch's BodyInit wants to know).
export function readBody(req: IncomingMessage, length: number): Promise<Buffer<ArrayBuffer>> {
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

/** Writes an answer: the request id first, the stored headers, the body. */
export function send(res: ServerResponse, response: StoredResponse, requestId: string): void {
  // A flat list of raw headers: Node writes it as it is, without a header object to fill first.
  const headers: string[] = ['x-request-id', requestId, 'content-length', String(response.body.length)];
  for (const [name, value] of response.headers) headers.push(name, value);
  res.writeHead(response.status, headers);
  res.end(response.body);
}
