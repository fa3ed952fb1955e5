/**
 * What a security dashboard's header shows, from the totals of filtered queries, each field
 * loading only what it needs through the request's loader. When the scope's table fits a snapshot,
 * every count is counted in it, at no further call, and all of them from the same table. Otherwise
 * each count is the `total_num` of a query's first page of 200, the very page its list shows:
 * - totalCount: the filter's own query (1);
 * - byStatus: DANGER and NORMAL (2), UNKNOWN being the rest of the total;
 * - byProtocol: TCP, TCP6 and UDP (3), UDP6 being the rest.
 * That is 6 calls at most, fewer when the filter fixes a status or a protocol or when the cache or
 * the operation's other fields already hold the pages. A derived count is only derived while the
 * total is exact (under HSS's 10,000 ceiling); above it, it is asked for.
 */

import {
  PORT_PROTOCOLS,
  PORT_RISK_STATUSES,
  type PortStatisticScope,
  type PortStatisticsBlock,
  type PortStatisticsQuery,
  type ProtocolName,
  type RiskStatusName,
} from '../model/port-statistic.js';
import type { LoadPage } from './connection.js';

const TOTAL_CEILING = 10_000;

const exact = (page: PortStatisticsBlock) => page.totalNum < TOTAL_CEILING;

export class PortStatisticsSummary {
  constructor(
    private readonly scope: PortStatisticScope,
    /** The filters; no paging, no order. */
    private readonly query: PortStatisticsQuery,
    private readonly load: LoadPage,
  ) {}

  /** The filter's own call: its count, and when it was fetched. */
  total() {
    return this.load(this.scope, this.query);
  }

  async totalCount(): Promise<number> {
    return (await this.total()).totalNum;
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
      this.load(this.scope, { ...this.query, [field]: value }).then((page) => page.totalNum);
    const [total, ...counted] = await Promise.all([
      this.total(),
      ...values.filter((v) => v !== derived).map(count),
    ]);
    const others = counted.reduce((sum, n) => sum + n, 0);
    const rest = exact(total) ? Math.max(0, total.totalNum - others) : await count(derived);
    const byValue = new Map<V, number>(
      values.filter((v) => v !== derived).map((v, i) => [v, counted[i] ?? 0]),
    );
    byValue.set(derived, rest);
    return values.map((value) => [value, byValue.get(value) ?? 0]);
  }
}
