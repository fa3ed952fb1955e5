/**
 * The root pino logger. The code never logs a token, key, signature or password on purpose; two
 * safety nets catch one that slips in. Objects holding secrets show none when logged, at any depth
 * (unloggable.ts, credentials.ts); and these top-level fields are redacted. Only top-level paths:
 * a wildcard (`*.token`) would cost pino about 16 us and tens of KB of garbage on every line,
 * against half a microsecond for these.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const REDACTED_PATHS = [
  'token',
  'password',
  'secretKey',
  'signature',
  'securityToken',
  'headers.authorization',
  'headers["x-auth-token"]',
  'headers["x-security-token"]',
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
