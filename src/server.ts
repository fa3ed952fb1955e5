/**
 * Binds the gateway to PORT and shuts it down gracefully on SIGTERM/SIGINT: fail readiness, stop
 * accepting, let in-flight requests finish within SHUTDOWN_TIMEOUT_SECONDS, then close the upstream
 * connections, Redis and the embedded emulator, and exit 0.
 */
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startUpWarnings } from './config/start-up-warnings.js';
import { ConfigError, loadConfig } from './config.js';
import { type Gateway, startGateway } from './gateway.js';
import { createMetricsServer } from './http/metrics-server.js';
import { createGatewayHttpServer } from './http-server.js';
import { createLogger } from './telemetry/logger.js';

/** With METRICS_PORT, `/metrics` listens there (http/metrics-server.ts). */
async function listenForMetrics(port: number | undefined, gateway: Gateway): Promise<Server | undefined> {
  if (port === undefined || !gateway.metrics) return undefined;
  const server = createMetricsServer(gateway.metrics);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, resolve);
  });
  return server;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  for (const { fields, message } of startUpWarnings(config)) logger.warn(fields, message);
  const gateway = await startGateway(config, logger);
  const server = createGatewayHttpServer(gateway, config.http, config.trustedProxies);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  const metricsServer = await listenForMetrics(config.http.metricsPort, gateway);
  const { port } = server.address() as AddressInfo;
  const metricsPort = (metricsServer?.address() as AddressInfo | undefined)?.port;
  logger.info(
    { port, upstream: gateway.endpoint, ...(metricsPort !== undefined && { metricsPort }) },
    `GraphQL gateway ready at http://localhost:${port}/graphql`,
  );

  // Responses still being worked on at shutdown are told to close their connection when done, so a
  // client's keep-alive socket does not hold the process open after the last answer.
  const inFlight = new Set<ServerResponse>();
  server.on('request', (_request, response: ServerResponse) => {
    inFlight.add(response);
    response.once('close', () => inFlight.delete(response));
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    // Readiness fails first, and for SHUTDOWN_DELAY_SECONDS the server still answers: time for a
    // load balancer to notice and stop sending new requests before the listener closes.
    gateway.readiness.drain();
    logger.info(
      { signal, delayMs: config.shutdown.delayMs },
      'shutting down: readiness fails, in-flight requests finish',
    );
    setTimeout(() => {
      const force = setTimeout(() => {
        logger.warn(
          { timeoutMs: config.shutdown.timeoutMs },
          'in-flight requests did not finish in time; closing them',
        );
        server.closeAllConnections();
        // Upstream calls are aborted by gateway.close(); should anything else hang (a Redis that
        // does not answer QUIT), the process still ends, a moment later.
        setTimeout(() => {
          logger.warn('resources did not close in time; exiting');
          logger.flush();
          process.exit(0);
        }, 2000).unref();
      }, config.shutdown.timeoutMs);
      force.unref();
      metricsServer?.close();
      // A live list's stream never ends by itself: ended now, its connection closes like others.
      gateway.endLiveAnswers();
      server.close(async () => {
        clearTimeout(force);
        await gateway.close(); // upstream sockets, Redis, the embedded emulator
        logger.info('stopped');
        logger.flush();
        process.exitCode = 0;
      });
      for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
      server.closeIdleConnections();
    }, config.shutdown.delayMs);
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('The gateway could not start:', error);
  }
  process.exit(1);
});
