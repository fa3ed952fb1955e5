/**
 * Which slices of a list serve a window of rows, as HSS would page them (10..200 rows each, so a
 * smaller `first` is a slice of 10 and a larger one several of 200). The loader below cuts each slice
 * from a snapshot or from the list's pages of 200 (paging/blocks.ts), so slices cost no call of
 * their own.
 */
import { UPSTREAM_MAX_LIMIT, UPSTREAM_MIN_LIMIT } from '../upstream/hss-apis.js';
import { MAX_OFFSET, type RowWindow } from './window.js';

/** `offset` and `limit` of one upstream call; undefined means "not sent". */
export interface PageSlice {
  offset?: number;
  limit?: number;
}

function page(offset: number | undefined, limit: number | undefined): PageSlice {
  const p: PageSlice = {};
  if (offset !== undefined) p.offset = offset;
  if (limit !== undefined) p.limit = limit;
  return p;
}

/**
 * The first page: it alone is fetched before the total is known. A caller who gave no `first`
 * sends no `limit` (HSS's default is the gateway's default, 10).
 */
export function firstPage(request: RowWindow): PageSlice {
  const limit = request.firstGiven
    ? Math.min(UPSTREAM_MAX_LIMIT, Math.max(UPSTREAM_MIN_LIMIT, request.first))
    : undefined;
  return page(request.offset, limit);
}

/**
 * The pages after the first for a `first` above 200, limited to those that can hold rows given the
 * total the first page reported: fetching past the end would spend quota on empty pages.
 */
export function followingPages(request: RowWindow, totalCount: number): PageSlice[] {
  const start = request.offset ?? 0;
  const end = Math.min(start + request.first, totalCount);
  const pages: PageSlice[] = [];
  for (
    let offset = start + UPSTREAM_MAX_LIMIT;
    offset < end && offset <= MAX_OFFSET;
    offset += UPSTREAM_MAX_LIMIT
  ) {
    const wanted = start + request.first - offset;
    pages.push(page(offset, Math.min(UPSTREAM_MAX_LIMIT, Math.max(UPSTREAM_MIN_LIMIT, wanted))));
  }
  return pages;
}
