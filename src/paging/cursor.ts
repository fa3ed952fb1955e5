/**
 * Opaque connection cursors over HSS's record offsets, encoded as the Relay plugin encodes offset
 * cursors so Pothos tooling reads them too.
 */
import { cursorToOffset, offsetToCursor } from '@pothos/plugin-relay';
import { InvalidArgumentError } from '../errors/invalid-argument.js';

export { offsetToCursor };

/** The record offset a cursor stands for; a cursor this API did not issue is a clear input error. */
export function offsetOfCursor(argument: string, cursor: string): number {
  let offset: number;
  try {
    offset = cursorToOffset(cursor);
  } catch {
    offset = Number.NaN;
  }
  if (!Number.isSafeInteger(offset) || offset < 0 || offsetToCursor(offset) !== cursor) {
    throw new InvalidArgumentError(
      argument,
      `${argument} is not a cursor this API issued; got ${JSON.stringify(cursor)}.`,
    );
  }
  return offset;
}
