/**
 * Which rows of a list a request wants, from its paging arguments: Relay's `first`/`after` and
 * `last`/`before`, or `page: { first, after | offset }`, all over HSS's record offsets, so cursors
 * of either style work in the other. Anything outside HSS's ranges is refused before any call.
 */
import { checkRange, InvalidArgumentError } from '../errors/invalid-argument.js';
import type { RowWindow } from '../model/rows.js';
import { readCursor } from './cursor.js';

export type { RowWindow };

/** The most rows one list field may ask for (five blocks of 200). */
export const MAX_FIRST = 1000;
export const DEFAULT_FIRST = 10;
export const MAX_OFFSET = 2_000_000;

export interface RelayArguments {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface PageArguments {
  first?: number | null;
  after?: string | null;
  offset?: number | null;
}

/** Whether any Relay paging argument is given. */
export function hasRelayArguments(args: RelayArguments): boolean {
  return args.first != null || args.after != null || args.last != null || args.before != null;
}

function positionAfter(argument: string, cursor: string): { offset: number; tag?: string } {
  const position = readCursor(argument, cursor);
  const offset = position.offset + 1;
  checkRange(`the offset after ${argument}`, offset, 0, MAX_OFFSET);
  return { ...position, offset };
}

/** The window, naming the snapshot a cursor came from (when one did). */
const withTag = (window: RowWindow, tag: string | undefined): RowWindow =>
  tag === undefined ? window : { ...window, tag };

/** `page: { first, after | offset }`: offset paging. */
export function pageWindow(page: PageArguments): RowWindow {
  if (page.after != null && page.offset != null) {
    throw new InvalidArgumentError('page', 'page.after and page.offset cannot be given together: pick one.');
  }
  const first = page.first ?? DEFAULT_FIRST;
  checkRange('page.first', first, 0, MAX_FIRST);
  let offset: number | undefined;
  let tag: string | undefined;
  if (page.offset != null) {
    checkRange('page.offset', page.offset, 0, MAX_OFFSET);
    offset = page.offset;
  } else if (page.after != null) {
    ({ offset, tag } = positionAfter('page.after', page.after));
  }
  return withTag({ first, offset }, tag);
}

/**
 * Relay's `first`/`after` and `last`/`before`, over the same record offsets (so cursors of either
 * style work in the other): `after` and `before` bound the window, then `first` takes from its
 * start or `last` from its end.
 */
export function relayWindow(args: RelayArguments): RowWindow {
  if (args.first != null && args.last != null) {
    throw new InvalidArgumentError(
      'last',
      'first and last cannot be given together: page forward or backward.',
    );
  }
  const after = args.after != null ? positionAfter('after', args.after) : undefined;
  const before = args.before != null ? readCursor('before', args.before) : undefined;
  const offset = after?.offset;
  const end = before?.offset;
  const tag = after?.tag ?? before?.tag;
  if (args.last != null) {
    checkRange('last', args.last, 0, MAX_FIRST);
    const lower = offset ?? 0;
    if (end === undefined) return withTag({ first: args.last, offset, fromEnd: true }, tag);
    // The window is known: it reads forward from where the last `last` rows before `end` begin.
    const start = Math.max(lower, end - args.last);
    return withTag({ first: Math.max(0, end - start), offset: start, end }, tag);
  }
  const first = args.first ?? DEFAULT_FIRST;
  checkRange('first', first, 0, MAX_FIRST);
  return withTag(
    {
      first: end === undefined ? first : Math.max(0, Math.min(first, end - (offset ?? 0))),
      offset,
      end,
    },
    tag,
  );
}
