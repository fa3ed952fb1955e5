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

/** Whether yoga answered in parts (@defer, @stream: multipart/mixed or server-sent events). */
export function isStreamed(response: Response): boolean {
  const type = response.headers.get('content-type') ?? '';
  return type.startsWith('multipart/') || type.startsWith('text/event-stream');
}

/**
 * Relays an answer yoga streams in parts as each part comes, with the request id and without the
 * headers of the gateway's own; stops reading when the client goes away. Never rejects.
 */
export async function relayStream(
  res: ServerResponse,
  response: Response,
  requestId: string,
  ownHeader: (name: string) => boolean,
): Promise<void> {
  const headers: string[] = ['x-request-id', requestId];
  for (const [name, value] of response.headers) {
    if (name !== 'x-request-id' && name !== 'content-length' && !ownHeader(name)) headers.push(name, value);
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  const stop = () => void reader.cancel().catch(() => undefined);
  res.once('close', stop);
  // Gone before anyone listened: stop now, or the stream's source reads on for nobody.
  if (res.destroyed) stop();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      res.write(value);
    }
  } catch {
    // The stream failed midway: its client is told by the connection's end, not a clean finish.
    res.destroy();
  } finally {
    res.off('close', stop);
    if (!res.destroyed) res.end();
  }
}

/** Writes an answer: the request id first, the stored headers, the body. */
export function send(res: ServerResponse, response: StoredResponse, requestId: string): void {
  // A flat list of raw headers: Node writes it as it is, without a header object to fill first.
  const headers: string[] = ['x-request-id', requestId, 'content-length', String(response.body.length)];
  for (const [name, value] of response.headers) headers.push(name, value);
  res.writeHead(response.status, headers);
  res.end(response.body);
}
