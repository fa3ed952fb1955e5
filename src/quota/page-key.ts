/** The canonical form of an upstream request: how loaders, the coalescer and caches key it. */
import { formatQueryString } from '../upstream/query-string.js';

/**
 * `identity api project sorted-query`: two callers with different credentials never share a key,
 * nor do two APIs.
 */
export function canonicalPageKey(
  identity: string,
  api: string,
  projectId: string,
  parameters: readonly (readonly [string, string])[],
): string {
  return `${identity} ${api} ${projectId} ${formatQueryString(parameters)}`;
}
