/**
 * Relay 21 with @defer, as its documentation wires incremental delivery: the network's fetch
 * returns an Observable that sends each payload as it arrives. The gateway's multipart/mixed parts
 * follow the 2022 spec (`incremental: [...]`), and Relay takes each deferred payload as its own
 * response with `label` and `path`: the network splits them. The rows reach Relay first, with the
 * deferred fragment pending, and its servers in a later payload; the store then holds both.
 */
import {
  createOperationDescriptor,
  Environment,
  type GraphQLResponse,
  Network,
  Observable,
  RecordSource,
  Store,
} from 'relay-runtime';
import { request } from 'undici';
import { useFixtures } from '../helpers/fixtures.js';
import { useRelayArtifacts } from './relay/compile.js';

const fixtures = useFixtures();
const relay = useRelayArtifacts();

type Part = GraphQLResponse & {
  hasNext?: boolean;
  incremental?: { data: Record<string, unknown>; path: (string | number)[]; label?: string }[];
};

/** Each complete part of a multipart/mixed body as it arrives (`---` delimits them). */
async function* partsAsTheyCome(body: AsyncIterable<Buffer>): AsyncGenerator<Part> {
  let buffered = '';
  for await (const chunk of body) {
    buffered += chunk.toString('utf8');
    let end = buffered.indexOf('\r\n---', buffered.indexOf('{'));
    while (end !== -1) {
      const part = buffered.slice(0, end);
      buffered = buffered.slice(end + 5);
      const json = part.slice(part.indexOf('{'));
      if (json.startsWith('{')) yield JSON.parse(json) as Part;
      end = buffered.indexOf('\r\n---', buffered.indexOf('{'));
    }
  }
}

it('the rows first with the deferred fragment pending, then its servers; the store holds both', async () => {
  const gw = await fixtures.gateway(undefined, { HOSTS_FETCH_AHEAD_ROWS: '0' }, { asShipped: true });
  const payloads: Part[] = [];
  const network = Network.create((operation, variables) =>
    Observable.create<GraphQLResponse>((sink) => {
      (async () => {
        const response = await request(`${gw.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'multipart/mixed;deferSpec=20220824, application/json',
          },
          body: JSON.stringify({ query: operation.text, variables }),
        });
        for await (const part of partsAsTheyCome(response.body)) {
          payloads.push(part);
          // Relay takes a deferred payload as a response of its own, with its label and path.
          for (const increment of part.incremental ?? []) {
            sink.next({ ...increment, hasNext: part.hasNext } as GraphQLResponse);
          }
          if (!part.incremental) sink.next(part);
        }
        sink.complete();
      })().catch((error: Error) => sink.error(error));
    }),
  );
  const environment = new Environment({ network, store: new Store(new RecordSource()) });
  const operation = createOperationDescriptor(relay.request('DeferredServersQuery'), {});
  const seen: { rows: number; servers: unknown }[] = [];
  await new Promise<void>((resolve, reject) => {
    environment.execute({ operation }).subscribe({
      next: () => {
        const source = environment.getStore().getSource();
        const row = source
          .getRecordIDs()
          .map((id) => source.get(id))
          .find((record) => record?.port === 3389);
        const servers = row && Object.keys(row).find((key) => key.startsWith('servers('));
        seen.push({
          rows: row ? 1 : 0,
          servers: servers ? source.get((row[servers] as { __ref: string }).__ref)?.totalCount : undefined,
        });
      },
      complete: resolve,
      error: reject,
    });
  });
  // Two parts on the wire: the rows, then the deferred servers, labelled as Relay named them.
  expect(payloads).toHaveLength(2);
  expect(payloads[0]?.hasNext).toBe(true);
  expect(payloads[1]?.incremental?.[0]?.label).toMatch(/DeferredServers_statistic/);
  expect(seen[0]).toEqual({ rows: 1, servers: undefined });
  expect(seen.at(-1)).toEqual({ rows: 1, servers: 16 });
});
