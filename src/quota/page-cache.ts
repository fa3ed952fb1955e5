/**
 * Where upstream pages are kept between requests. Keys are canonical upstream requests that
 * begin with the credential's identity, so callers with different credentials never share a page.
 */
import type { PortStatisticsPage } from '../port-statistics/model.js';

export interface CachedPage {
  page: PortStatisticsPage;
  /** When HSS answered it, epoch milliseconds. */
  fetchedAt: number;
}

export interface PageCache {
  /** The stored page, or undefined; a broken store answers undefined rather than failing a request. */
  get(key: string): Promise<CachedPage | undefined>;
  /** Stores a page for `keepMs` milliseconds (its whole usable life: fresh and stale windows). */
  set(key: string, value: CachedPage, keepMs: number): Promise<void>;
  close(): Promise<void>;
}
