/**
 * Stuck calls end: an upstream that sends its headers and then drips a byte now and then, for ever,
 * is cut off at the call's total deadline (HSS_TIMEOUT_MS); everyone waiting for that call gets
 * UPSTREAM_UNAVAILABLE, and the first request after HSS recovers is answered. A client that sends
 * its request slowly is cut off in seconds too.
 */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { pageAnswer, type ScriptedUpstream } from '../helpers/scripted-upstream.js';

const fixtures = useFixtures();
let upstream: ScriptedUpstream;
let gw: RunningGateway;
let dripping = true;
const drips: ServerResponse[] = [];

beforeAll(async () => {
  upstream = await fixtures.scripted((_request, res) => {
    if (!dripping) return pageAnswer(1, [{ port: 22, type: 'TCP', num: 3, status: 'normal' }]);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"total_num": 1, "data_list": [');
    drips.push(res);
    return undefined;
  });
  gw = await fixtures.gateway(upstream, {
    HSS_RETRY_MAX: '0',
    HSS_TIMEOUT_MS: '500',
    GRAPHQL_DEADLINE_MS: '5000',
    HTTP_REQUEST_TIMEOUT_MS: '1000',
    HTTP_HEADERS_TIMEOUT_MS: '1000',
  });
});
// A byte every 100 ms: never silent long enough for a between-chunks timeout to notice.
const dripper = setInterval(() => {
  for (const res of drips) if (!res.destroyed) res.write(' ');
}, 100);
afterAll(() => clearInterval(dripper));

const QUERY = '{ portStatistics { totalCount nodes { port } } }';

describe('an upstream that drips its answer for ever', () => {
  it('is cut off at the deadline: every waiter of the shared call gets UPSTREAM_UNAVAILABLE', async () => {
    const answers = await Promise.all([gw.graphql(QUERY), gw.graphql(QUERY), gw.graphql(QUERY)]);
    for (const answer of answers) {
      expect(answer.body.errors?.[0]).toMatchObject({
        message: 'HSS timed out.',
        extensions: { code: 'UPSTREAM_UNAVAILABLE' },
      });
    }
    expect(upstream.received).toHaveLength(1); // one shared call
    const line = gw.logs.entries().find((e) => e.msg === 'HSS call failed: HSS timed out.');
    expect(line).toBeDefined();
  });

  it('does not poison the query: once HSS recovers, the next request is answered', async () => {
    dripping = false;
    const answer = await gw.graphql(QUERY);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.portStatistics.nodes).toEqual([{ port: 22 }]);
  });
});

describe('a client that sends its request slowly', () => {
  it.each([
    [
      'its body',
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    ],
    ['its headers', 'POST /graphql HTTP/1.1\r\nHost: x\r\n'],
  ])(
    'is cut off when %s never finishes',
    async (_label, start) => {
      const socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write(start);
      let received = '';
      socket.on('data', (chunk) => {
        received += chunk;
      });
      await once(socket, 'close');
      expect(received).toMatch(/^HTTP\/1\.1 408 /);
    },
    20_000,
  );
});
