/**
 * What HSS answers for a parsed query: the scope's rows, filtered, sorted and paged.
 */

import { LRUCache } from 'lru-cache';
import {
  DEMO_ENTERPRISE_PROJECTS,
  generateScopeRows,
  MAX_ROWS_PER_SCOPE,
  mergeRows,
  type UpstreamCategory,
  type UpstreamPortRow,
} from './dataset.js';
import type { StatisticsParameters } from './query.js';

/** The 200 body of ListPortStatistics. */
export interface PortStatisticsAnswer {
  total_num: number;
  data_list: UpstreamPortRow[];
}

const CATEGORIES: readonly UpstreamCategory[] = ['host', 'container'];
// Generated scopes are kept so paging through 10,000 rows does not regenerate them on every call;
// the bound keeps an emulator that is asked about many projects from growing without limit.
const MAX_CACHED_SCOPES = 64;

// Answers are kept too: the data never changes, and a benchmark measuring a gateway against this
// emulator should not measure the emulator merging and filtering thousands of rows per call.
const MAX_CACHED_ANSWERS = 1000;

export class PortStatisticsDataset {
  private readonly scopes = new Map<string, UpstreamPortRow[]>();
  private readonly answers = new LRUCache<string, PortStatisticsAnswer>({ max: MAX_CACHED_ANSWERS });
  /** How many times the estate was renewed: 0, the demo estate as documented. */
  private generation = 0;

  /** @param rowsPerScope rows in each (project, enterprise project, category) scope, 0..10,000 */
  constructor(private readonly rowsPerScope: number) {
    if (!Number.isInteger(rowsPerScope) || rowsPerScope < 0 || rowsPerScope > MAX_ROWS_PER_SCOPE) {
      throw new RangeError(
        `rowsPerScope must be an integer from 0 to ${MAX_ROWS_PER_SCOPE}; got ${rowsPerScope}`,
      );
    }
  }

  /**
   * The ListPortStatistics answer to a parsed query, for a caller granted `granted` enterprise
   * projects (undefined: every one).
   */
  answer(projectId: string, query: StatisticsParameters, granted?: readonly string[]): PortStatisticsAnswer {
    const key = `${projectId}\u0000${JSON.stringify(query)}\u0000${granted?.join(',') ?? '*'}`;
    let answer = this.answers.get(key);
    if (!answer) {
      answer = this.select(projectId, query, granted);
      this.answers.set(key, answer);
    }
    return answer;
  }

  private select(
    projectId: string,
    query: StatisticsParameters,
    granted: readonly string[] | undefined,
  ): PortStatisticsAnswer {
    const matches = this.rowsOf(projectId, query, granted).filter((row) => matchesFilters(row, query));
    if (query.sortDir === 'desc') matches.reverse();
    const counted = matches.slice(0, MAX_ROWS_PER_SCOPE);
    return {
      total_num: counted.length,
      data_list: counted.slice(query.offset, query.offset + query.limit).map((row) => ({ ...row })),
    };
  }

  /**
   * The rows of one port in one (project, enterprise project, category) scope, at most one per
   * protocol: what ListPortHost answers must agree with. A binary search, as a scope can hold
   * 10,000 rows and every ListPortHost call asks this.
   */
  rowsOfPort(projectId: string, eps: string, category: UpstreamCategory, port: number): UpstreamPortRow[] {
    const rows = this.scope(projectId, eps, category);
    let low = 0;
    let high = rows.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((rows[middle]?.port ?? Number.POSITIVE_INFINITY) < port) low = middle + 1;
      else high = middle;
    }
    const found: UpstreamPortRow[] = [];
    for (let row = rows[low]; row?.port === port; row = rows[++low]) found.push({ ...row });
    return found;
  }

  private rowsOf(
    projectId: string,
    query: StatisticsParameters,
    granted: readonly string[] | undefined,
  ): UpstreamPortRow[] {
    const categories = query.category ? [query.category] : CATEGORIES;
    const parts = enterpriseProjectsIn(query.enterpriseProjectId, granted).flatMap((ep) =>
      categories.map((c) => this.scope(projectId, ep, c)),
    );
    return mergeRows(parts);
  }

  /**
   * HSS renews its statistics a few times a day: every scope's rows change (another estate of the
   * same size), as a dashboard would see after a renewal. Answers the new generation.
   */
  renew(): number {
    this.generation++;
    this.scopes.clear();
    this.answers.clear();
    return this.generation;
  }

  private scope(projectId: string, eps: string, category: UpstreamCategory): UpstreamPortRow[] {
    const key = `${projectId}\u0000${eps}\u0000${category}`;
    let rows = this.scopes.get(key);
    if (!rows) {
      rows = generateScopeRows(projectId, eps, category, this.rowsPerScope, this.generation);
      if (this.scopes.size >= MAX_CACHED_SCOPES) {
        const oldest = this.scopes.keys().next().value;
        if (oldest !== undefined) this.scopes.delete(oldest);
      }
      this.scopes.set(key, rows);
    }
    return rows;
  }
}

/**
 * The enterprise projects an `enterprise_project_id` stands for: `all_granted_eps` is all of them
 * the caller is granted (`granted`; undefined: every one); an id the demo estate does not have is
 * none.
 */
export function enterpriseProjectsIn(
  enterpriseProjectId: string,
  granted?: readonly string[],
): readonly string[] {
  return enterpriseProjectId === 'all_granted_eps'
    ? DEMO_ENTERPRISE_PROJECTS.filter((id) => granted === undefined || granted.includes(id))
    : DEMO_ENTERPRISE_PROJECTS.filter((id) => id === enterpriseProjectId);
}

/**
 * The documented filters. `port` is exact and `port_string` a substring match; given together,
 * the answer is the exact match on `port` when one contains the other, and nothing otherwise.
 */
function matchesFilters(row: UpstreamPortRow, query: StatisticsParameters): boolean {
  if (query.type !== undefined && row.type !== query.type) return false;
  if (query.status !== undefined && row.status !== query.status) return false;
  const digits = String(row.port);
  if (query.port !== undefined && query.portString !== undefined) {
    const exact = String(query.port);
    const related = exact.includes(query.portString) || query.portString.includes(exact);
    return related && row.port === query.port;
  }
  if (query.port !== undefined) return row.port === query.port;
  if (query.portString !== undefined) return digits.includes(query.portString);
  return true;
}
