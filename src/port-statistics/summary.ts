/**
 * What a security dashboard's header shows, from the totals of filtered queries, each field
 * loading only what it needs through the request's loader. When the scope's table fits a snapshot,
 * every count is counted in it, at no further call, and all of them from the same table. Otherwise
 * each count is the `total_num` of a query's first block of 200, the very block its list shows:
 * - totalCount: the filter's own query (1);
 * - byStatus: DANGER and NORMAL (2), UNKNOWN being the rest of the total;
 * - byProtocol: TCP, TCP6 and UDP (3), UDP6 being the rest.
 * That is 6 calls, fewer when the filter fixes a status or a protocol or when the cache or the
 * operation's other fields already hold the blocks (and, the first time, the table's first block,
 * which told that it is too large for a snapshot). A derived count is only derived while the total
 * is exact (under HSS's 10,000 ceiling); above it, it is asked for: 2 more.
 */

import {
  PORT_PROTOCOLS,
  PORT_RISK_STATUSES,
  type PortStatisticScope,
  type PortStatisticsQuery,
  type ProtocolName,
  type RiskStatusName,
} from '../model/port-statistic.js';
import type { ReadStatistics } from '../rows/statistics-rows.js';

const TOTAL_CEILING = 10_000;

const exact = (total: number) => total < TOTAL_CEILING;

/** No rows, only the count: the first block (or the snapshot) tells it. */
const COUNT_ONLY = { first: 0, offset: undefined };

export class PortStatisticsSummary {
  constructor(
    private readonly scope: PortStatisticScope,
    /** The filters; no paging, no order. */
    private readonly query: PortStatisticsQuery,
    private readonly read: ReadStatistics,
  ) {}

  /** The filter's own count, and when it was fetched. */
  total() {
    return this.read({ scope: this.scope, query: this.query }, COUNT_ONLY);
  }

  async totalCount(): Promise<number> {
    return (await this.total()).totalCount;
  }

  byStatus(): Promise<{ status: RiskStatusName; count: number }[]> {
    return this.breakdown('status', PORT_RISK_STATUSES, 'UNKNOWN').then((counts) =>
      counts.map(([status, count]) => ({ status, count })),
    );
  }

  byProtocol(): Promise<{ type: ProtocolName; count: number }[]> {
    return this.breakdown('type', PORT_PROTOCOLS, 'UDP6').then((counts) =>
      counts.map(([type, count]) => ({ type, count })),
    );
  }

  /** Counts per value of a field that partitions the rows; `derived` is the total less the others. */
  private async breakdown<K extends 'status' | 'type', V extends string>(
    field: K,
    values: readonly V[],
    derived: V,
  ): Promise<[V, number][]> {
    const fixed = this.query[field] as V | undefined;
    if (fixed !== undefined) {
      // The filter already names the value: everything counted is of it.
      const total = await this.totalCount();
      return values.map((value) => [value, value === fixed ? total : 0]);
    }
    const count = (value: V) =>
      this.read({ scope: this.scope, query: { ...this.query, [field]: value } }, COUNT_ONLY).then(
        (read) => read.totalCount,
      );
    const [total, ...counted] = await Promise.all([
      this.total(),
      ...values.filter((v) => v !== derived).map(count),
    ]);
    const others = counted.reduce((sum, n) => sum + n, 0);
    const rest = exact(total.totalCount) ? Math.max(0, total.totalCount - others) : await count(derived);
    const byValue = new Map<V, number>(
      values.filter((v) => v !== derived).map((v, i) => [v, counted[i] ?? 0]),
    );
    byValue.set(derived, rest);
    return values.map((value) => [value, byValue.get(value) ?? 0]);
  }
}
