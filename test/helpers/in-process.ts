/**
 * A gateway's yoga app driven in-process with `yoga.fetch()`: no socket, for specs of what yoga's
 * plugins do with a request (refusals, headers, limits). What sits in front of yoga (the byte-level
 * response cache, body limits) is tested over real sockets instead.
 */
import { loadConfig } from '../../src/config.js';
import { startGateway } from '../../src/gateway.js';
import { captureLogs, type LogCapture } from './log-capture.js';

export interface InProcessGateway {
  /** `path` as on the gateway's origin, e.g. `/graphql?query=...`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * Starts a gateway whose upstream is `hssEndpoint` (default: a loopback port nothing listens on,
 * for specs that must not reach HSS at all).
 */
export async function startInProcessGateway(
  env: Record<string, string> = {},
  hssEndpoint = 'http://127.0.0.1:9',
): Promise<InProcessGateway> {
  const logs = captureLogs();
  const config = loadConfig({
    HSS_ENDPOINT: hssEndpoint,
    HSS_PROJECT_ID: 'p',
    HSS_AUTH_TOKEN: 't',
    CACHE_TTL_SECONDS: '0',
    HSS_RATE_LIMIT_PER_MINUTE: '0',
    ...env,
  });
  const gateway = await startGateway(config, logs.logger);
  return {
    fetch: async (path, init) => gateway.yoga.fetch(new URL(path, 'http://gateway.test'), init ?? {}),
    logs,
    close: () => gateway.close(),
  };
}
