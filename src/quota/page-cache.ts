/**
 * Where upstream pages are kept between requests. Keys are canonical upstream requests that
 * begin with the credential's identity, so callers with different credentials never share a page,
 * and name the API, so a page is only ever read back as a page of its own API's rows.
 */
import type { PortStatisticData, UpstreamPage } from '../model/port-statistic.js';
import type { HssApiName } from '../upstream/hss-apis.js';

export interface CachedPage<Row = PortStatisticData> {
  page: UpstreamPage<Row>;
  /** When HSS answered it, epoch milliseconds. */
  fetchedAt: number;
}

export interface PageCache {
  /**
   * The stored page, or undefined; a broken store answers undefined rather than failing a request.
   * `api` says what rows the page must hold, for stores that check what they read back.
   */
  get(key: string, api: HssApiName): Promise<CachedPage<unknown> | undefined>;
  /** Stores a page for `keepMs` milliseconds (its whole usable life: fresh and stale windows). */
  set(key: string, value: CachedPage<unknown>, keepMs: number): Promise<void>;
  close(): Promise<void>;
}
