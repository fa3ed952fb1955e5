/**
 * What every id of this API is made of: a versioned JSON tuple (the local id, so any project id
 * round-trips whatever its characters), wrapped by the Relay plugin into an opaque global id
 * naming its type. Reading one back refuses anything this API did not issue with an input error
 * that names the id, never a 500.
 */
import { decodeGlobalID } from '@pothos/plugin-relay';
import { InvalidArgumentError } from '../errors/invalid-argument.js';

// A lone surrogate: JSON can spell one (`"\ud800"`), no text HSS could take holds one, and no URL
// or header can carry one (encoding it throws).
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * The items of a local id of `length` items after its `version`; undefined for anything else,
 * including text no id this API issued holds (a lone surrogate).
 */
export function readLocalId(id: string, version: number, length: number): unknown[] | undefined {
  let tuple: unknown;
  try {
    tuple = JSON.parse(id);
  } catch {
    return undefined;
  }
  if (!Array.isArray(tuple) || tuple.length !== length + 1 || tuple[0] !== version) return undefined;
  const items = tuple.slice(1);
  if (items.some((item) => typeof item === 'string' && LONE_SURROGATE.test(item))) return undefined;
  return items;
}

/** The local id inside a global id of `typename`; another type's id, or none, is an input error. */
export function localIdOf(globalId: string, typename: string): string {
  let decoded: { typename: string; id: string } | undefined;
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    decoded = undefined;
  }
  if (decoded?.typename !== typename) {
    throw new InvalidArgumentError(
      'id',
      `id is not a ${typename} id this API issued; got ${JSON.stringify(globalId.slice(0, 100))}.`,
    );
  }
  return decoded.id;
}

/** Null, or a string of `min` to `max` characters. */
export const optionalText = (value: unknown, max: number, min = 1): boolean =>
  value === null || (typeof value === 'string' && value.length >= min && value.length <= max);

/** An integer port number from `min` (0 for statistics rows, which HSS may report) to 65,535. */
export const portNumber = (value: unknown, min: number): value is number =>
  Number.isInteger(value) && (value as number) >= min && (value as number) <= 65535;

/**
 * The `id` of a federation representation (`_entities`), which a router passes on as any JSON: one
 * that is missing, null or not a string is the caller's mistake, not the gateway's.
 */
export function representationId(reference: { id?: unknown }, typename: string): string {
  if (typeof reference.id === 'string') return reference.id;
  throw new InvalidArgumentError(
    'representations',
    `A ${typename} representation needs its id, a string this API issued; got ${reference.id === undefined ? 'none' : JSON.stringify(reference.id)}.`,
  );
}
