/**
 * The per-request DataLoader for upstream pages. Its key is the canonical upstream request
 * (credential identity, project, sorted query string), so the same query asked twice in one
 * operation (aliases, fragments, a list and a node lookup) costs one upstream call.
 */
import DataLoader from 'dataloader';
import type { Logger } from 'pino';
import { type Credentials, credentialIdentity } from '../upstream/credentials.js';
import type { HssClient } from '../upstream/hss-client.js';
import { HssError } from '../upstream/hss-error.js';
import { formatQueryString, portStatisticsParameters } from '../upstream/query-string.js';
import type { LoadPage } from './connection.js';
import type { PortStatisticScope, PortStatisticsPage, PortStatisticsQuery } from './model.js';

export interface PageKey {
  scope: PortStatisticScope;
  query: PortStatisticsQuery;
}

export interface PageLoaderOptions {
  client: HssClient;
  /** An error instead: every load fails with it, and nothing is sent upstream. */
  credentials: Credentials | HssError;
  logger: Logger;
  /** The operation being executed; its name is read at call time, once execution has named it. */
  operation: { readonly name: string | null };
  signal?: AbortSignal;
}

/** The canonical form of an upstream request, as the loader (and later caches) key it. */
export function canonicalPageKey(identity: string, key: PageKey): string {
  return `${identity} ${key.scope.projectId} ${formatQueryString(portStatisticsParameters(key.query))}`;
}

export function createPageLoader(
  options: PageLoaderOptions,
): DataLoader<PageKey, PortStatisticsPage, string> {
  const { client, credentials, logger, operation, signal } = options;
  const identity = credentials instanceof HssError ? 'none' : credentialIdentity(credentials);
  return new DataLoader<PageKey, PortStatisticsPage, string>(
    // HSS has no batch call: each distinct key is one concurrent upstream call.
    async (keys) => {
      if (credentials instanceof HssError) return keys.map(() => credentials);
      return Promise.all(
        keys.map((key) =>
          client
            .listPortStatistics(key.scope.projectId, key.query, credentials, {
              logger,
              operationName: operation.name,
              signal,
            })
            .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        ),
      );
    },
    { cacheKeyFn: (key) => canonicalPageKey(identity, key) },
  );
}

/** The loader as the connection and node resolvers use it. */
export function pageLoaderFunction(loader: DataLoader<PageKey, PortStatisticsPage, string>): LoadPage {
  return (scope, query) => loader.load({ scope, query });
}
