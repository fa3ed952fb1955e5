/**
 * Assembles a running gateway from a configuration: the embedded emulator when no HSS endpoint is
 * configured, the one upstream dispatcher, the HSS client and the GraphQL app. `close()` releases
 * all of it.
 */
import { createServer, type Server } from 'node:http';
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import { HssEmulator } from './emulator/hss-emulator.js';
import { assembleQuotaEconomy, type QuotaEconomy } from './quota/assemble.js';
import { describeIdentity, embeddedEmulatorOptions, serviceCredentials } from './service-identity.js';
import { createUpstreamDispatcher } from './upstream/dispatcher.js';
import { HssClient } from './upstream/hss-client.js';
import { GLOBAL_IAM_ENDPOINT } from './upstream/regions.js';
import { createGatewayYoga, type GatewayYoga } from './yoga.js';

export interface Gateway {
  yoga: GatewayYoga;
  /** The upstream base URL in use. */
  endpoint: string;
  /** Present when the gateway runs on its embedded emulator. */
  emulator: HssEmulator | undefined;
  /** Cache, budget, retries and circuit breaker between GraphQL and HSS. */
  quota: QuotaEconomy;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** The clock, in epoch milliseconds, for signing and token expiry; tests move it instead of waiting. */
  now?: () => number;
}

export async function startGateway(
  config: GatewayConfig,
  logger: Logger,
  options: GatewayOptions = {},
): Promise<Gateway> {
  let emulator: HssEmulator | undefined;
  let endpoint = config.hssEndpoint;
  if (endpoint === undefined) {
    emulator = new HssEmulator(embeddedEmulatorOptions(config, options.now));
    endpoint = await emulator.listen(0, '127.0.0.1');
    logger.info(
      { emulator: endpoint, projectId: config.projectId, rowsPerScope: config.emulator.rowsPerScope },
      'HSS_ENDPOINT is not set: serving demo data from the embedded HSS emulator',
    );
  }
  // In emulator mode the emulator is the IAM endpoint too, unless IAM_ENDPOINT says otherwise.
  const iamEndpoint = emulator ? endpoint : GLOBAL_IAM_ENDPOINT;
  const dispatcher = createUpstreamDispatcher({
    ...config.upstreamTimeouts,
    connections: config.maxConnections,
  });
  const client = new HssClient(
    options.now ? { endpoint, dispatcher, logger, now: options.now } : { endpoint, dispatcher, logger },
  );
  const service = serviceCredentials(config, iamEndpoint, dispatcher, logger, options.now);
  logger.info(
    { ...describeIdentity(config), callerTokens: config.allowCallerToken ? 'passed through' : 'ignored' },
    'credentials',
  );
  const quota = await assembleQuotaEconomy(config, client, logger, options.now);
  logger.info(
    {
      store: quota.store,
      cacheTtlSeconds: config.cache.ttlMs / 1000,
      budgetPerMinute: config.rateLimitPerMinute || 'unlimited',
      maxConnections: config.maxConnections,
    },
    'quota economy',
  );
  const yoga = createGatewayYoga({
    pages: quota.pages,
    logger,
    projectId: config.projectId,
    credentials: { service, allowCallerToken: config.allowCallerToken },
    deadlineMs: config.deadlineMs,
  });
  return {
    yoga,
    endpoint,
    emulator,
    quota,
    async close() {
      await quota.close();
      await dispatcher.close();
      await emulator?.close();
    },
  };
}

// HSS accepts tokens of up to 32,768 characters (IAM tokens of ~10 KB are common); Node's default
// header limit of 16 KB would refuse them with a bare 431 before the gateway could say why.
const MAX_REQUEST_HEADER_BYTES = 64 * 1024;

/** The HTTP server that serves a gateway; not yet listening. */
export function createGatewayHttpServer(gateway: Gateway): Server {
  return createServer({ maxHeaderSize: MAX_REQUEST_HEADER_BYTES }, gateway.yoga);
}
