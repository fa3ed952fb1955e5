/** A pino destination that keeps every line, so tests can read what the gateway logged. */
import type { Logger } from 'pino';
import { createLogger } from '../../src/logger.js';

export interface LogCapture {
  logger: Logger;
  /** Raw lines as written. */
  lines: string[];
  /** Parsed lines. */
  entries(): Record<string, unknown>[];
}

export function captureLogs(level = 'debug'): LogCapture {
  const lines: string[] = [];
  const destination = { write: (line: string) => lines.push(line) };
  const logger = createLogger({ level, destination });
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
