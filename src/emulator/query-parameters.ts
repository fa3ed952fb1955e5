/**
 * How HSS reads a query string, shared by every emulated API: each documented parameter at most
 * once, unknown ones ignored, and a bad value refused with a message that names the parameter.
 */

/** A parameter HSS would refuse; the message starts with the parameter's name. */
export class InvalidParameter extends Error {}

export type QueryParseResult<Q> = { ok: true; query: Q } | { ok: false; message: string };

/** The value if it is one of `allowed`. */
export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidParameter(`${name} must be one of ${allowed.join(', ')}`);
}

/** A decimal integer from `min` to `max`. */
export function integer(name: string, value: string, min: number, max: number): number {
  if (!/^-?\d{1,10}$/.test(value)) throw new InvalidParameter(`${name} must be an integer`);
  const n = Number(value);
  if (n < min || n > max) throw new InvalidParameter(`${name} must be between ${min} and ${max}`);
  return n;
}

/** A string of `min` to `max` characters. */
export function text(name: string, value: string, min: number, max: number): string {
  if (value.length < min || value.length > max) {
    throw new InvalidParameter(`${name} must be ${min} to ${max} characters long`);
  }
  return value;
}

/**
 * Reads the parameters named in `known` (a repeated one is refused; others are ignored, as HSS
 * does) and hands them to `build`, which checks each with the helpers above.
 */
export function readQuery<Q>(
  params: URLSearchParams,
  known: ReadonlySet<string>,
  build: (get: (name: string) => string | undefined) => Q,
): QueryParseResult<Q> {
  const single = new Map<string, string>();
  for (const [name, value] of params) {
    if (!known.has(name)) continue;
    if (single.has(name)) return { ok: false, message: `Invalid parameter ${name}: given more than once` };
    single.set(name, value);
  }
  try {
    return { ok: true, query: build((name) => single.get(name)) };
  } catch (error) {
    if (error instanceof InvalidParameter)
      return { ok: false, message: `Invalid parameter ${error.message}` };
    throw error;
  }
}
