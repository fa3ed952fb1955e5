/**
 * Which rows of a list a request wants, from its paging arguments: Relay's `first`/`after` and
 * `last`/`before`, or `page: { first, after | offset }`, all over HSS's record offsets, so cursors
 * of either style work in the other. Anything outside HSS's ranges is refused before any call.
 */
import { checkRange, InvalidArgumentError } from '../errors/invalid-argument.js';
import { offsetOfCursor } from './cursor.js';

/** The most rows one list field may ask for (five upstream pages of 200). */
export const MAX_FIRST = 1000;
export const DEFAULT_FIRST = 10;
export const MAX_OFFSET = 2_000_000;

/** Rows read forward: `first` rows from `offset`. */
export interface RowWindow {
  /** Rows wanted; DEFAULT_FIRST when not given. */
  first: number;
  /** Whether the caller gave `first`: if not, no `limit` is sent. */
  firstGiven: boolean;
  /** Record offset of the first row; undefined when the caller gave no `after` or `offset`. */
  offset: number | undefined;
  /** Exclusive record offset where the window ends (`before`); undefined: the list's end. */
  end?: number;
  /**
   * Backward paging (`last`): the window is the last `first` rows before `end` (or the list's end,
   * which the first upstream page tells), but not before `offset` (`after`).
   */
  fromEnd?: boolean;
}

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

function offsetAfter(argument: string, cursor: string): number {
  const offset = offsetOfCursor(argument, cursor) + 1;
  checkRange(`the offset after ${argument}`, offset, 0, MAX_OFFSET);
  return offset;
}

/** `page: { first, after | offset }`: offset paging. */
export function pageWindow(page: PageArguments): RowWindow {
  if (page.after != null && page.offset != null) {
    throw new InvalidArgumentError('page', 'page.after and page.offset cannot be given together: pick one.');
  }
  const first = page.first ?? DEFAULT_FIRST;
  checkRange('page.first', first, 0, MAX_FIRST);
  let offset: number | undefined;
  if (page.offset != null) {
    checkRange('page.offset', page.offset, 0, MAX_OFFSET);
    offset = page.offset;
  } else if (page.after != null) {
    offset = offsetAfter('page.after', page.after);
  }
  return { first, firstGiven: page.first != null, offset };
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
  const offset = args.after != null ? offsetAfter('after', args.after) : undefined;
  const end = args.before != null ? offsetOfCursor('before', args.before) : undefined;
  if (args.last != null) {
    checkRange('last', args.last, 0, MAX_FIRST);
    const lower = offset ?? 0;
    if (end === undefined) return { first: args.last, firstGiven: true, offset, fromEnd: true };
    // The window is known: it reads forward from where the last `last` rows before `end` begin.
    const start = Math.max(lower, end - args.last);
    return { first: Math.max(0, end - start), firstGiven: true, offset: start, end };
  }
  const first = args.first ?? DEFAULT_FIRST;
  checkRange('first', first, 0, MAX_FIRST);
  return {
    first: end === undefined ? first : Math.max(0, Math.min(first, end - (offset ?? 0))),
    firstGiven: args.first != null,
    offset,
    end,
  };
}
