/**
 * The HTTP server that serves a gateway, with what connections can hold bounded before anyone
 * knows who they are.
 */
import { createServer, type Server } from 'node:http';
import type { GatewayConfig } from './config.js';
import type { Gateway } from './gateway.js';
import { trustedProxyCheck } from './http/client-address.js';
import { connectionDefaults, limitConnections } from './http/connection-limits.js';

/**
 * The HTTP server that serves a gateway; not yet listening. A client that takes longer than the
 * request timeout to send its request (headers and body) is answered 408 and cut off: Node's
 * default of five minutes would let slow clients hold sockets for nothing. What connections can
 * hold before anyone knows who they are is bounded (http/connection-limits.ts).
 */
export function createGatewayHttpServer(
  gateway: Gateway,
  http: Pick<
    GatewayConfig['http'],
    'requestTimeoutMs' | 'headersTimeoutMs' | 'maxHeaderBytes' | 'maxConnections' | 'maxConnectionsPerAddress'
  >,
  trustedProxies: readonly string[] = [],
): Server {
  const server = createServer(
    {
      // HSS accepts tokens of up to 32,768 characters (IAM tokens of ~10 KB are common); Node's
      // default of 16 KB would refuse them with a bare 431 before the gateway could say why.
      maxHeaderSize: http.maxHeaderBytes,
      requestTimeout: http.requestTimeoutMs,
      headersTimeout: http.headersTimeoutMs,
      // How often those timeouts are checked; Node's default of 30 s would blur them.
      connectionsCheckingInterval: Math.min(1000, http.headersTimeoutMs),
    },
    gateway.handler,
  );
  const defaults = connectionDefaults(undefined, http.maxHeaderBytes);
  limitConnections(server, {
    headersTimeoutMs: http.headersTimeoutMs,
    maxConnections: http.maxConnections ?? defaults.maxConnections,
    perAddress: http.maxConnectionsPerAddress ?? defaults.perAddress,
    isTrustedProxy: trustedProxyCheck(trustedProxies),
    onRefused: (limit) => gateway.metrics?.onConnectionRefused(limit),
  });
  return server;
}
