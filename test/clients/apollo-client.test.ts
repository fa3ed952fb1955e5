import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { filter, firstValueFrom, from } from 'rxjs';
import { readmeCacheConfig } from '../helpers/apollo-cache-config.js';
import { DANGEROUS_PORTS, type DangerousPortsData } from '../helpers/dangerous-ports.js';
import { useDemoGateway } from '../helpers/fixtures.js';

const demo = useDemoGateway(); // the embedded demo, as `npm start` serves it

function client() {
  return new ApolloClient({
    link: new HttpLink({ uri: `${demo.gw.url}/graphql` }),
    cache: new InMemoryCache(readmeCacheConfig()),
  });
}

describe('Apollo Client with relayStylePagination', () => {
  it('pages through a filtered list with fetchMore and holds exactly totalCount rows, none twice', async () => {
    const apollo = client();
    const variables = { filter: { status: 'DANGER' }, first: 10 };
    const observable = apollo.watchQuery<DangerousPortsData>({ query: DANGEROUS_PORTS, variables });
    // As a view would: subscribed, waiting for the first complete result.
    const first = await firstValueFrom(from(observable).pipe(filter((r) => r.dataState === 'complete')));
    const total = first.data?.portStatistics.totalCount ?? 0;
    expect(total).toBeGreaterThan(20);
    const held: (number | undefined)[] = [first.data?.portStatistics.edges.length];
    let pageInfo: DangerousPortsData['portStatistics']['pageInfo'] | undefined =
      first.data?.portStatistics.pageInfo;
    while (pageInfo?.hasNextPage) {
      await observable.fetchMore({ variables: { after: pageInfo.endCursor } });
      const merged = apollo.readQuery<DangerousPortsData>({ query: DANGEROUS_PORTS, variables });
      held.push(merged?.portStatistics.edges.length);
      pageInfo = merged?.portStatistics.pageInfo;
    }
    const merged = apollo.readQuery<DangerousPortsData>({ query: DANGEROUS_PORTS, variables });
    const ids = merged?.portStatistics.edges.map((e) => e.node.id) ?? [];
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
    // 10, 20, 30, ... then the rest: the pages were merged, not replaced.
    expect(held).toEqual(
      Array.from({ length: Math.ceil(total / 10) }, (_, i) => Math.min(total, (i + 1) * 10)),
    );
    expect(merged?.portStatistics.totalCount).toBe(total);
    apollo.stop();
  });

  it('keeps a page jumped to by offset apart from the list paged by cursor (`page` is a key)', async () => {
    const apollo = client();
    const query = gql`
      query Ports($first: Int, $page: PageInput) {
        portStatistics(filter: { status: DANGER }, first: $first, page: $page) {
          edges {
            node {
              id
              port
            }
          }
          pageInfo {
            hasNextPage
            endCursor
          }
        }
      }
    `;
    type Ports = { portStatistics: { edges: { node: { id: string; port: number } }[] } };
    const listed = await apollo.query<Ports>({ query, variables: { first: 25 } });
    const jumped = await apollo.query<Ports>({ query, variables: { page: { first: 5, offset: 20 } } });
    const ports = (result: typeof listed) => result.data?.portStatistics.edges.map((e) => e.node.port);
    expect(ports(jumped)).toEqual(ports(listed)?.slice(20, 25));
    apollo.stop();
  });

  it('sees the contract`s error codes', async () => {
    const apollo = client();
    const result = await apollo.query({
      query: gql`
        {
          portStatistics(filter: { port: 70000 }) {
            totalCount
          }
        }
      `,
      errorPolicy: 'all',
    });
    expect(result.error?.message).toContain('filter.port must be between 1 and 65535');
    apollo.stop();
  });
});
