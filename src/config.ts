/**
 * The gateway's configuration, read from the environment once at start-up. A bad value stops the
 * process with one line per problem: the variable, the value given and what is allowed.
 */
import { z } from 'zod';
import { DEFAULT_ROWS_PER_SCOPE, MAX_ROWS_PER_SCOPE } from './emulator/dataset.js';
import { MAX_TOKEN_LENGTH } from './upstream/credentials.js';

/** The project the emulator's demo data is served for when no HSS_PROJECT_ID is set. */
export const DEMO_PROJECT_ID = '0a1b2c3d4e5f40718293a4b5c6d7e8f9';
/** The token the gateway uses against its embedded emulator when the caller sends none. */
export const DEMO_AUTH_TOKEN = 'demo-token-for-the-embedded-hss-emulator';

export interface GatewayConfig {
  port: number;
  /** Upstream base URL; undefined: start the embedded emulator. */
  hssEndpoint: string | undefined;
  /** Default `projectId`; undefined: every query must name one. */
  projectId: string | undefined;
  /** Token used when the caller sends none. */
  authToken: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  upstreamTimeouts: { connectMs: number; headersMs: number; bodyMs: number };
  emulator: { rowsPerScope: number };
}

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be a whole number from ${min} to ${max}` });

const nonEmpty = (max: number) =>
  z
    .string()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` });

const environment = z.object({
  PORT: integer(0, 65535).default(4000),
  HSS_ENDPOINT: z
    .url({
      protocol: /^https?$/,
      error: 'must be an http(s) URL such as https://hss.ap-southeast-1.myhuaweicloud.com',
    })
    .optional(),
  HSS_PROJECT_ID: nonEmpty(256).optional(),
  HSS_AUTH_TOKEN: nonEmpty(MAX_TOKEN_LENGTH).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HSS_CONNECT_TIMEOUT_MS: integer(1, 600_000).default(5_000),
  HSS_HEADERS_TIMEOUT_MS: integer(1, 600_000).default(10_000),
  HSS_BODY_TIMEOUT_MS: integer(1, 600_000).default(10_000),
  EMULATOR_ROWS_PER_SCOPE: integer(0, MAX_ROWS_PER_SCOPE).default(DEFAULT_ROWS_PER_SCOPE),
});

/** Thrown with every problem found, one per line. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const SECRET = /TOKEN|SECRET|PASSWORD/;

/**
 * Parses the environment. Empty variables count as unset, as shells and compose files often leave
 * them. Secrets are never echoed back in a message.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const present = Object.fromEntries(
    Object.keys(environment.shape)
      .map((name) => [name, env[name]])
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = environment.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const given = SECRET.test(name) ? '(hidden)' : JSON.stringify(present[name]);
      return `${name}=${given}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const embedded = e.HSS_ENDPOINT === undefined;
  return {
    port: e.PORT,
    hssEndpoint: e.HSS_ENDPOINT,
    projectId: e.HSS_PROJECT_ID ?? (embedded ? DEMO_PROJECT_ID : undefined),
    authToken: e.HSS_AUTH_TOKEN ?? (embedded ? DEMO_AUTH_TOKEN : undefined),
    logLevel: e.LOG_LEVEL,
    upstreamTimeouts: {
      connectMs: e.HSS_CONNECT_TIMEOUT_MS,
      headersMs: e.HSS_HEADERS_TIMEOUT_MS,
      bodyMs: e.HSS_BODY_TIMEOUT_MS,
    },
    emulator: { rowsPerScope: e.EMULATOR_ROWS_PER_SCOPE },
  };
}
