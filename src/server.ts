/**
 * Binds the gateway to PORT and shuts it down gracefully on SIGTERM/SIGINT: stop accepting, let
 * in-flight requests finish, then stop the upstream connections and the embedded emulator.
 */
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, loadConfig } from './config.js';
import { createGatewayHttpServer, startGateway } from './gateway.js';
import { createLogger } from './logger.js';

// In-flight requests get this long to finish before the process exits anyway.
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const gateway = await startGateway(config, logger);
  const server = createGatewayHttpServer(gateway);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  const { port } = server.address() as AddressInfo;
  logger.info(
    { port, upstream: gateway.endpoint },
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
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in time; closing them');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(async () => {
      clearTimeout(force);
      await gateway.close();
      logger.info('stopped');
      logger.flush();
      process.exitCode = 0;
    });
    for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
    server.closeIdleConnections();
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
