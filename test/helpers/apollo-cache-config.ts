/** The options docs/frontend.md's Apollo Client snippet gives its cache, captured as it passes them. */
import * as apolloClient from '@apollo/client';
import { InMemoryCache, type InMemoryCacheConfig } from '@apollo/client';
import { runSnippet, snippetOf } from './snippets.js';

export function readmeCacheConfig(): InMemoryCacheConfig {
  let config: InMemoryCacheConfig | undefined;
  class CapturingCache extends InMemoryCache {
    constructor(given: InMemoryCacheConfig) {
      super(given);
      config = given;
    }
  }
  runSnippet(
    snippetOf('docs/frontend.md', 'export const client = new ApolloClient'),
    { token: 'demo' },
    { '@apollo/client': { ...apolloClient, InMemoryCache: CapturingCache } },
  );
  if (!config) throw new Error("docs/frontend.md's Apollo Client snippet creates no cache");
  return config;
}
