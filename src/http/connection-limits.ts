/**
 * What connections can hold before anyone knows who they are: a stranger that opens thousands of
 * connections and sends each most of a header block, slowly, holds the gateway's memory until the
 * header timeout cuts them off (a 160 MB heap died of 3,000 of them). So the server keeps at most
 * HTTP_MAX_CONNECTIONS at once and HTTP_MAX_CONNECTIONS_PER_ADDRESS from one address (an IPv6
 * address's /64; a proxy that
 * TRUSTED_PROXIES lists carries many callers and is exempt), reads at most MAX_HEADER_FIELDS header
 * fields of a request, and holds at most HTTP_MAX_BYTES_IN_FLIGHT of request bodies at once (more
 * is answered 503 with Retry-After, before it is read). The defaults are sized to the heap.
 */
import type { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { getHeapStatistics } from 'node:v8';
import { addressGroup } from './client-address.js';

const REQUEST_TIMEOUT = 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n';

/** Header fields read per request; more are not kept (clients send about twenty). */
const MAX_HEADER_FIELDS = 100;

export interface ConnectionLimits {
  /**
   * How long a connection may take to send a request's headers (HTTP_HEADERS_TIMEOUT_MS), counted
   * from when it opened or its last answer was sent: Node's own check did not cut off connections
   * that sent part of a header block and waited (seen on Node 20), so this one does.
   */
  headersTimeoutMs: number;
  /** Connections at once; more are closed as they come. */
  maxConnections: number;
  /** Connections at once from one address, unless it is a trusted proxy. */
  perAddress: number;
  /** Whether an address is a proxy TRUSTED_PROXIES lists. */
  isTrustedProxy(address: string): boolean;
  /** Told of each connection closed for a limit. */
  onRefused?: (limit: 'connections' | 'address') => void;
}

/**
 * Defaults for a heap of `heapBytes`: a quarter of it for connections that hold a whole header
 * block (HTTP_MAX_HEADER_BYTES, and about as much again for what Node makes of it), an eighth for
 * bodies being read.
 */
export function connectionDefaults(heapBytes = getHeapStatistics().heap_size_limit, headerBytes = 40 * 1024) {
  const maxConnections = Math.max(64, Math.floor(heapBytes / 4 / (2 * headerBytes)));
  return {
    maxConnections,
    perAddress: Math.max(16, Math.floor(maxConnections / 8)),
    bytesInFlight: Math.max(1024 * 1024, Math.floor(heapBytes / 8)),
  };
}

export function limitConnections(server: Server, limits: ConnectionLimits): void {
  server.maxConnections = limits.maxConnections;
  server.maxHeadersCount = MAX_HEADER_FIELDS;
  server.on('drop', () => limits.onRefused?.('connections'));
  const deadlines = new WeakMap<Socket, NodeJS.Timeout>();
  const awaitHeaders = (socket: Socket, ms: number) => {
    // As Node answers it: a 408, then the connection goes.
    const deadline = setTimeout(() => socket.end(REQUEST_TIMEOUT, () => socket.destroy()), ms);
    deadline.unref();
    deadlines.set(socket, deadline);
  };
  // Requests being answered per connection: a client may pipeline the next before the last is done.
  const answering = new WeakMap<Socket, number>();
  server.on('request', (req, res) => {
    const { socket } = req;
    clearTimeout(deadlines.get(socket));
    answering.set(socket, (answering.get(socket) ?? 0) + 1);
    // Kept alive and idle, the connection has its idle time, then the headers' time for the next.
    res.once('finish', () => {
      const left = (answering.get(socket) ?? 1) - 1;
      answering.set(socket, left);
      if (left === 0 && !socket.destroyed) {
        awaitHeaders(socket, server.keepAliveTimeout + limits.headersTimeoutMs);
      }
    });
  });
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    awaitHeaders(socket, limits.headersTimeoutMs);
    socket.once('close', () => clearTimeout(deadlines.get(socket)));
    const address = socket.remoteAddress ?? 'unknown';
    if (limits.isTrustedProxy(address)) return;
    const group = addressGroup(address);
    const count = (open.get(group) ?? 0) + 1;
    if (count > limits.perAddress) {
      limits.onRefused?.('address');
      socket.destroy();
      return;
    }
    open.set(group, count);
    socket.once('close', () => {
      const left = (open.get(group) ?? 1) - 1;
      if (left > 0) open.set(group, left);
      else open.delete(group);
    });
  });
}

/** Request bodies being read at once, in bytes: a reservation per request, given back when it ends. */
export class BytesInFlight {
  private held = 0;

  constructor(private readonly max: number) {}

  /** Reserves `bytes`, or answers false when that would pass the bound. */
  take(bytes: number): boolean {
    if (this.held + bytes > this.max) return false;
    this.held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }

  /**
   * Reserves a request's body until it is read (or the request is gone), or answers false. Not
   * until its answer ends: one that streams for hours (a live list over server-sent events) holds
   * its connection, not its body's bytes.
   */
  hold(req: EventEmitter, res: EventEmitter, bytes: number): boolean {
    if (!this.take(bytes)) return false;
    let given = false;
    const giveBack = () => {
      if (given) return;
      given = true;
      this.give(bytes);
    };
    req.once('end', giveBack);
    req.once('close', giveBack);
    res.once('close', giveBack);
    return true;
  }
}
