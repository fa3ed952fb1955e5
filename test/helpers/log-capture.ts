/**
 * A pino destination that keeps every line, so tests can read what the gateway logged. Each line
 * also goes to the run's audit folder, checked for secrets after the whole run.
 */
import { EventEmitter } from 'node:events';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { createLogger } from '../../src/telemetry/logger.js';

export interface LogCapture {
  logger: Logger;
  /** Raw lines as written. */
  lines: string[];
  /** Parsed lines. */
  entries(): Record<string, unknown>[];
  /** Resolves once `count` lines with this message have been logged (counting those already there). */
  waitFor(msg: string, count?: number): Promise<void>;
}

export function captureLogs(level = 'debug'): LogCapture {
  const lines: string[] = [];
  const events = new EventEmitter();
  const destination = {
    write: (line: string) => {
      lines.push(line);
      auditLog(line);
      events.emit('line');
    },
  };
  const logger = createLogger({ level, destination });
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const waitFor = (msg: string, count = 1) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (entries().filter((e) => e.msg === msg).length < count) return;
        events.off('line', check);
        resolve();
      };
      events.on('line', check);
      check();
    });
  return { logger, lines, entries, waitFor };
}

/** Adds a line to the audit of the whole test run (see test/log-audit). */
export function auditLog(line: string): void {
  const dir = process.env.HSS_TEST_LOG_DIR;
  if (!dir) return;
  try {
    appendFileSync(join(dir, `${process.pid}.log`), line.endsWith('\n') ? line : `${line}\n`);
  } catch {
    // A line logged after the run's audit has ended (a late socket close) has nowhere to go.
  }
}
