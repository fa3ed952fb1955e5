/**
 * `/metrics` on a port of its own (METRICS_PORT): a NetworkPolicy can then admit the monitoring
 * namespace to it alone, while the gateway's port is for its clients (deploy/network-policies).
 * It serves nothing else, and nothing a caller sends reaches the gateway through it.
 */
import { createServer, type Server } from 'node:http';
import type { GatewayMetrics } from '../observability/metrics.js';

export function createMetricsServer(metrics: GatewayMetrics): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res
        .writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Only GET /metrics is served here.\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
}
