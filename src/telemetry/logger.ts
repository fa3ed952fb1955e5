/**
 * The root pino logger. Secrets are redacted by path as a safety net: the code never logs a token,
 * key, signature or password on purpose, and these paths catch one that slips into a log object.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const REDACTED_PATHS = [
  'token',
  '*.token',
  'password',
  '*.password',
  'secretKey',
  '*.secretKey',
  'signature',
  '*.signature',
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers["x-security-token"]',
  '*.headers.authorization',
  '*.headers["x-auth-token"]',
  '*.headers["x-security-token"]',
  // A Redis error carries the command it answered: AUTH's argument is REDIS_URL's password.
  'err.command',
];

export interface LoggerOptions {
  level: string;
  /** Where lines go; default stdout, asynchronously (a slow terminal must not slow requests). */
  destination?: DestinationStream;
  /** The `service` field of every line. Default: the gateway. */
  service?: string;
}

export function createLogger({
  level,
  destination,
  service = 'hss-port-statistics-gateway',
}: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ sync: false }),
  );
}
