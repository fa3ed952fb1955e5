/**
 * Assembles a running gateway from a configuration: the embedded emulator when no HSS endpoint is
 * configured, the one upstream dispatcher, the HSS client and the GraphQL app. `close()` releases
 * all of it.
 */
import type { Logger } from 'pino';
import type { GatewayConfig } from './config.js';
import { HssEmulator } from './emulator/hss-emulator.js';
import { createUpstreamDispatcher } from './upstream/dispatcher.js';
import { HssClient } from './upstream/hss-client.js';
import { createGatewayYoga, type GatewayYoga } from './yoga.js';

export interface Gateway {
  yoga: GatewayYoga;
  /** The upstream base URL in use. */
  endpoint: string;
  /** Present when the gateway runs on its embedded emulator. */
  emulator: HssEmulator | undefined;
  close(): Promise<void>;
}

export async function startGateway(config: GatewayConfig, logger: Logger): Promise<Gateway> {
  let emulator: HssEmulator | undefined;
  let endpoint = config.hssEndpoint;
  if (endpoint === undefined) {
    emulator = new HssEmulator({ rowsPerScope: config.emulator.rowsPerScope });
    endpoint = await emulator.listen(0, '127.0.0.1');
    logger.info(
      { emulator: endpoint, projectId: config.projectId, rowsPerScope: config.emulator.rowsPerScope },
      'HSS_ENDPOINT is not set: serving demo data from the embedded HSS emulator',
    );
  }
  const dispatcher = createUpstreamDispatcher(config.upstreamTimeouts);
  const client = new HssClient({ endpoint, dispatcher, logger });
  const yoga = createGatewayYoga({
    client,
    logger,
    projectId: config.projectId,
    authToken: config.authToken,
  });
  return {
    yoga,
    endpoint,
    emulator,
    async close() {
      await dispatcher.close();
      await emulator?.close();
    },
  };
}
