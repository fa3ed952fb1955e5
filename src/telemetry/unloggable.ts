/**
 * Secrets kept out of log lines by their type, not by pino's redaction paths: a path with a
 * wildcard (`*.token`) costs pino about 16 us and tens of KB of garbage on every line, and a path
 * list only catches the names someone thought of. An object holding a secret is made unloggable
 * where it is created: JSON (what pino writes) and `util.inspect` (console, test failures) see
 * only what `shown` says of it, at any depth of any log object.
 */
import { inspect } from 'node:util';

export function unloggable<T extends object>(value: T, shown: Record<string, unknown>): T {
  const hidden = { ...shown, secret: '[redacted]' };
  Object.defineProperty(value, 'toJSON', { value: () => hidden, enumerable: false });
  Object.defineProperty(value, inspect.custom, { value: () => hidden, enumerable: false });
  return value;
}

/**
 * The same for a class whose instances hold a secret, on its prototype: nothing to do per object
 * (a caller's token is made into credentials on every request).
 */
export abstract class Unloggable {
  /** What a log line may show of it. */
  protected abstract shown(): Record<string, unknown>;

  toJSON(): Record<string, unknown> {
    return { ...this.shown(), secret: '[redacted]' };
  }

  [inspect.custom](): Record<string, unknown> {
    return this.toJSON();
  }
}
