/**
 * Apollo Client 4 with persisted documents, as docs/frontend.md sets it up: the gateway runs only
 * its manifest's documents (TRUSTED_DOCUMENTS_FILE=builtin), Apollo sends each operation's id with
 * the page's PersistedQueryLink (taken from the page itself), and its cache, configured as the
 * page's Apollo snippet configures it, holds a list of 25 rows as 25 rows: a manifest without
 * `__typename` made Apollo's cache keep one row 25 times, every row rendered blank, no error.
 */
import type * as apolloClient from '@apollo/client';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { parse } from 'graphql';
import { filter, firstValueFrom, from } from 'rxjs';
import { PortStatisticsPageDocument } from '../../schema/generated/graphql.js';
import manifest from '../../schema/generated/persisted-documents.json';
import { readmeCacheConfig } from '../helpers/apollo-cache-config.js';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { runSnippet, snippetOf } from '../helpers/snippets.js';

const fixtures = useFixtures();
let gw: RunningGateway;
beforeAll(async () => {
  gw = await fixtures.gateway(undefined, { TRUSTED_DOCUMENTS_FILE: 'builtin' }, { asShipped: true });
});

/** docs/frontend.md's persisted-documents link, given the gateway's own manifest. */
function persistedDocumentsLink(): apolloClient.ApolloLink {
  const { persistedDocuments } = runSnippet(snippetOf('docs/frontend.md', 'PersistedQueryLink({'), {
    manifest,
  });
  return persistedDocuments as apolloClient.ApolloLink;
}

interface PageData {
  portStatistics: {
    totalCount: number;
    edges: { node: { id: string; port: number; status: string; service: { name: string } | null } }[];
  };
}

describe('Apollo Client 4 with persisted documents', () => {
  it('sends ids only, and a list of 25 rows is 25 distinct, complete rows in its cache', async () => {
    const sent: Record<string, unknown>[] = [];
    const apollo = new ApolloClient({
      link: persistedDocumentsLink().concat(
        new HttpLink({
          uri: `${gw.url}/graphql`,
          fetch: async (input, init) => {
            sent.push(JSON.parse(String(init?.body)));
            return fetch(input, init);
          },
        }),
      ),
      cache: new InMemoryCache(readmeCacheConfig()),
    });
    const variables = { first: 25 };
    const observable = apollo.watchQuery<PageData>({ query: PortStatisticsPageDocument, variables });
    const result = await firstValueFrom(from(observable).pipe(filter((r) => r.dataState !== 'empty')));
    expect(result.error).toBeUndefined();
    expect(result.dataState).toBe('complete');
    // Only the id went over the wire: the gateway runs nothing else here.
    expect(sent).toHaveLength(1);
    expect(sent[0]).not.toHaveProperty('query');
    expect(sent[0]).toMatchObject({ extensions: { persistedQuery: { sha256Hash: expect.any(String) } } });
    // What a view renders: read back from the normalised cache.
    const rows = apollo.readQuery<PageData>({ query: PortStatisticsPageDocument, variables })?.portStatistics
      .edges;
    expect(rows).toHaveLength(25);
    expect(new Set(rows?.map((edge) => edge.node.id)).size).toBe(25);
    for (const { node } of rows ?? []) {
      expect(node).toMatchObject({ port: expect.any(Number), status: expect.any(String) });
    }
    // Each row is its own cache entry, under its typename and id.
    const cached = apollo.cache.extract() as Record<string, unknown>;
    expect(Object.keys(cached).filter((key) => key.startsWith('PortStatistic:'))).toHaveLength(25);
  });

  it("has __typename in every selection of the gateway's manifest, as Apollo sends its documents", () => {
    for (const document of Object.values(manifest as Record<string, string>)) {
      const lacking: string[] = [];
      const visit = (node: unknown, path: string) => {
        if (!node || typeof node !== 'object') return;
        const set = (node as { selectionSet?: { selections: { kind: string; name?: { value: string } }[] } })
          .selectionSet;
        if (set && !set.selections.some((s) => s.kind === 'Field' && s.name?.value === '__typename')) {
          lacking.push(path);
        }
        for (const [key, value] of Object.entries(node)) {
          if (key !== 'loc' && typeof value === 'object') visit(value, `${path}.${key}`);
        }
      };
      visit(parse(document), 'document');
      expect(lacking).toEqual([]);
    }
  });
});
