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

/** The key of one page request: its credentials' identity, API, project and parameters. */
export function pageKeyOf(request: {
  identity: string;
  api: { name: string };
  projectId: string;
  parameters: readonly (readonly [string, string])[];
}): string {
  return canonicalPageKey(request.identity, request.api.name, request.projectId, request.parameters);
}
