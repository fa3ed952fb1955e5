/**
 * Relay 21 with a live list, as its documentation wires subscriptions: the network's `subscribe`
 * over graphql-sse's client, `requestSubscription` from a compiled subscription; the list arrives,
 * and again once HSS renews its statistics, and the store holds the new rows.
 */
import { createClient } from 'graphql-sse';
import {
  Environment,
  type GraphQLResponse,
  Network,
  Observable,
  RecordSource,
  requestSubscription,
  Store,
} from 'relay-runtime';
import { request } from 'undici';
import { useFixtures } from '../helpers/fixtures.js';
import { useRelayArtifacts } from './relay/compile.js';

const fixtures = useFixtures();
const relay = useRelayArtifacts();

interface LiveData {
  portStatistics: { totalCount: number; edges: { node: { id: string; port: number; num: number } }[] } | null;
}

it('requestSubscription over graphql-sse: the list, then the renewed list, in the store', async () => {
  const gw = await fixtures.gateway(
    undefined,
    { LIVE_TICK_SECONDS: '1', CACHE_TTL_SECONDS: '1' },
    { asShipped: true },
  );
  const sse = createClient({ url: `${gw.url}/graphql`, retryAttempts: 0 });
  const network = Network.create(
    () => Promise.reject(new Error('this test runs subscriptions only')),
    (operation, variables) =>
      Observable.create<GraphQLResponse>((sink) =>
        sse.subscribe(
          { operationName: operation.name, query: operation.text ?? '', variables },
          {
            next: (value) => sink.next(value as GraphQLResponse),
            error: (error) => sink.error(error as Error),
            complete: () => sink.complete(),
          },
        ),
      ),
  );
  const environment = new Environment({ network, store: new Store(new RecordSource()) });
  const seen: LiveData[] = [];
  await new Promise<void>((resolve, reject) => {
    const subscription = requestSubscription(environment, {
      subscription: relay.request('LivePortsSubscription'),
      variables: {},
      onNext: (data) => {
        seen.push(data as LiveData);
        if (seen.length === 1) {
          request(`${gw.gateway.emulator?.url}/__emulator/estate/renew`, { method: 'POST' })
            .then((answer) => answer.body.dump())
            .catch(reject);
        }
        if (seen.length === 2) {
          subscription.dispose();
          resolve();
        }
      },
      onError: reject,
    });
  });
  sse.dispose();
  expect(seen[0]?.portStatistics?.edges).toHaveLength(3);
  expect(seen[1]?.portStatistics).not.toEqual(seen[0]?.portStatistics);
  // The store holds the renewed rows under their ids.
  const renewed = seen[1]?.portStatistics?.edges[0]?.node;
  expect(
    environment
      .getStore()
      .getSource()
      .get(renewed?.id ?? ''),
  ).toMatchObject({ num: renewed?.num });
});
