/** The canonical form of an upstream request: how loaders, the coalescer and caches key it. */
import type { PortStatisticsQuery } from '../port-statistics/model.js';
import { formatQueryString, portStatisticsParameters } from '../upstream/query-string.js';

/** `identity project sorted-query`: two callers with different credentials never share a key. */
export function canonicalPageKey(identity: string, projectId: string, query: PortStatisticsQuery): string {
  return `${identity} ${projectId} ${formatQueryString(portStatisticsParameters(query))}`;
}
