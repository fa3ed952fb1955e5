/**
 * A GraphQL argument outside what HSS accepts, found before any upstream call. The message names
 * the argument, the rule and the value given.
 */
export class InvalidArgumentError extends Error {
  override readonly name = 'InvalidArgumentError';
  constructor(
    /** Dotted path of the argument, e.g. `page.first`. */
    readonly argument: string,
    message: string,
  ) {
    super(message);
  }
}

/** Requires an integer within [min, max]. */
export function checkRange(argument: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(argument, `${argument} must be between ${min} and ${max}; got ${value}.`);
  }
}

/** Requires a string of min..max characters. */
export function checkLength(argument: string, value: string, min: number, max: number): void {
  if (value.length < min || value.length > max) {
    throw new InvalidArgumentError(
      argument,
      `${argument} must be ${min} to ${max} characters long; got ${value.length} characters.`,
    );
  }
}

/** Requires a string that matches `pattern`; `rule` says in words what that is. */
export function checkPattern(argument: string, value: string, pattern: RegExp, rule: string): void {
  if (!pattern.test(value)) {
    throw new InvalidArgumentError(
      argument,
      `${argument} must be ${rule}; got ${JSON.stringify(value.slice(0, 100))}${value.length > 100 ? '…' : ''}.`,
    );
  }
}
