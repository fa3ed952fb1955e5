/**
 * `npm run emulator`: the HSS emulator on its own, for pointing a gateway (or curl) at it.
 * EMULATOR_PORT (default 8900) and EMULATOR_HOST (default 127.0.0.1); it accepts the demo token and
 * whatever service identity the gateway's variables configure (HSS_AUTH_TOKEN, HSS_ACCESS_KEY and
 * HSS_SECRET_KEY, IAM_*), and serves EMULATOR_ROWS_PER_SCOPE rows per scope.
 */
import { ConfigError, loadConfig } from './config.js';
import { embeddedEmulatorOptions } from './embedded-emulator.js';
import { HssEmulator } from './emulator/hss-emulator.js';
import { createLogger } from './telemetry/logger.js';

async function main(): Promise<void> {
  // The emulator is the endpoint: variables naming another one do not apply to it.
  const { HSS_ENDPOINT: _endpoint, HSS_REGION: _region, ...env } = process.env;
  const config = loadConfig(env);
  const logger = createLogger({ level: config.logLevel, service: 'hss-emulator' });
  const port = Number(process.env.EMULATOR_PORT ?? 8900);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(
      `Invalid configuration:\nEMULATOR_PORT=${JSON.stringify(process.env.EMULATOR_PORT)}: must be a whole number from 0 to 65535`,
    );
  }
  const emulator = new HssEmulator(embeddedEmulatorOptions(config, undefined));
  emulator.on('request', (record) => logger.info(record, 'emulator answered'));
  const url = await emulator.listen(port, process.env.EMULATOR_HOST ?? '127.0.0.1');
  logger.info(
    { url, rowsPerScope: config.emulator.rowsPerScope },
    `HSS emulator listening on ${url}; try GET ${url}/v5/${config.projectId}/asset/port/statistics ` +
      `and GET ${url}/v5/${config.projectId}/asset/ports/detail?port=22`,
  );
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
