/**
 * Opaque connection cursors over HSS's record offsets, encoded as the Relay plugin encodes offset
 * cursors (`OffsetConnection:<offset>`, base64) so Pothos tooling reads them too. A row served from
 * a snapshot (a list's whole table, see src/rows/tables.ts) also names the snapshot's content
 * (`OffsetConnection:<offset>:<tag>`), so the next page is cut from the same table while it is kept:
 * no row skipped or repeated because HSS's data moved between two pages.
 */
import { InvalidArgumentError } from '../errors/invalid-argument.js';

const PREFIX = 'OffsetConnection:';
const FORM = /^OffsetConnection:(\d{1,16})(?::([A-Za-z0-9_-]{12}))?$/;

/** Where a cursor points: a record offset, and the snapshot it was cut from, if any. */
export interface CursorPosition {
  offset: number;
  tag?: string;
}

export function offsetToCursor(offset: number, tag?: string): string {
  return Buffer.from(tag === undefined ? `${PREFIX}${offset}` : `${PREFIX}${offset}:${tag}`).toString(
    'base64',
  );
}

/** Where a cursor points; a cursor this API did not issue is a clear input error. */
export function readCursor(argument: string, cursor: string): CursorPosition {
  const match = FORM.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  const offset = Number(match?.[1]);
  const tag = match?.[2];
  if (!match || !Number.isSafeInteger(offset) || offsetToCursor(offset, tag) !== cursor) {
    throw new InvalidArgumentError(
      argument,
      `${argument} is not a cursor this API issued; got ${JSON.stringify(cursor.slice(0, 200))}.`,
    );
  }
  return tag === undefined ? { offset } : { offset, tag };
}

/** The record offset a paging argument starts at, for pricing: 0 for a cursor this API did not issue. */
export function startOf(cursor: string | null | undefined, offset?: number | null): number {
  if (offset != null) return Math.max(0, offset);
  if (cursor == null) return 0;
  try {
    return readCursor('after', cursor).offset + 1;
  } catch {
    return 0;
  }
}
