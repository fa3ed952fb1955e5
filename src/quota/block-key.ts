/** The canonical form of an upstream request: how the request loader, coalescing and caches key it. */
import { formatQueryString } from '../upstream/query-string.js';

/**
 * `reader api project sorted-query`: two readers never share a key (see BlockRequest.reader), nor do
 * two APIs.
 */
export function canonicalBlockKey(
  reader: string,
  api: string,
  projectId: string,
  parameters: readonly (readonly [string, string])[],
): string {
  return `${reader} ${api} ${projectId} ${formatQueryString(parameters)}`;
}

/** The key of one block request: its reader, API, project and parameters. */
export function blockKeyOf(request: {
  reader: string;
  api: { name: string };
  projectId: string;
  parameters: readonly (readonly [string, string])[];
}): string {
  return canonicalBlockKey(request.reader, request.api.name, request.projectId, request.parameters);
}
