/**
 * What strangers' connections can hold, against the process as `npm start` runs it (its heap
 * limit included): thousands of connections, each sending most of a 60 KB header block and then
 * waiting, used to fill the heap within the header timeout. The edge now bounds them (connections
 * at once, per address, header fields kept): the process stays up, and a caller at another address
 * is served while they wait and after they are cut off.
 */
import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { useFixtures } from '../helpers/fixtures.js';
import { type ServerProcess, startServer } from '../helpers/server-process.js';

const fixtures = useFixtures({ closeAfter: 'each' });
let server: ServerProcess;

/** A header block of about `bytes` in fields of 100 bytes, never finished. */
const unfinishedHeaders = (bytes: number) =>
  `GET /graphql HTTP/1.1\r\nHost: gateway\r\n${Array.from({ length: bytes / 100 }, (_, i) => `X-Pad-${String(i).padStart(4, '0')}: ${'a'.repeat(86)}\r\n`).join('')}`;

/**
 * `count` connections from `addresses` loopback addresses, each sending `headers`; resolves once all
 * is sent, with a promise of every one of them closed (by the server: a limit, or the header timeout).
 */
async function flood(
  count: number,
  addresses: number,
  headers: string,
): Promise<{ closed: Promise<unknown> }> {
  const port = Number(new URL(server.url).port);
  const sent: Promise<unknown>[] = [];
  const closed: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const socket = connect({ port, host: '127.0.0.1', localAddress: `127.0.1.${1 + (i % addresses)}` });
    socket.on('error', () => undefined); // reset by the server: what the test is about
    socket.resume(); // reads what the server answers (a 408, a 431) and so hears it close
    closed.push(new Promise((resolve) => socket.once('close', resolve)));
    sent.push(new Promise((resolve) => socket.write(headers, resolve)));
  }
  await Promise.all(sent);
  return { closed: Promise.all(closed) };
}

/** A caller at an address of its own: data, and /health. */
async function expectServed(): Promise<void> {
  const elsewhere = new Agent({ localAddress: '127.0.0.2' });
  try {
    const health = await request(`${server.url}/health`, { dispatcher: elsewhere });
    await health.body.dump();
    expect(health.statusCode).toBe(200);
    const answer = await request(`${server.url}/graphql`, {
      method: 'POST',
      dispatcher: elsewhere,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ portStatistics { totalCount } }' }),
    });
    const body = (await answer.body.json()) as { data?: { portStatistics?: { totalCount: number } } };
    expect(body.data?.portStatistics?.totalCount).toBeGreaterThan(0);
  } finally {
    await elsewhere.close();
  }
}

/**
 * Served, once the server has counted the flood's connections closed too: it hears of each close a
 * moment after the client, and until then it may still be at its bound (the probe is reset).
 */
async function expectServedOnceClosed(): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await expectServed();
    } catch (error) {
      if ((error as { code?: string }).code !== 'ECONNRESET' || attempt >= 50) throw error;
    }
  }
}

describe('connections that send most of a header block and wait', () => {
  beforeEach(async () => {
    // Cut off quickly, so the test waits for the server closing them, not for a clock.
    server = await startServer({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '1000' });
  });
  afterEach(() => server.stop());

  it('3,000 from one address: the process stays up, and a caller elsewhere is served meanwhile', async () => {
    const { closed } = await flood(3000, 1, unfinishedHeaders(60_000));
    await expectServed();
    await closed;
    expect(server.alive).toBe(true);
    await expectServedOnceClosed();
  }, 60_000);

  it('3,000 from 60 addresses: the process stays up, and serves once they are cut off', async () => {
    const { closed } = await flood(3000, 60, unfinishedHeaders(60_000));
    await closed;
    expect(server.alive).toBe(true);
    await expectServedOnceClosed();
  }, 60_000);
});

describe('a connection that pipelines its requests', () => {
  it('is not cut off while its second request is still being answered', async () => {
    // The second request waits on HSS for longer than the idle time and the headers' time together.
    const hss = await fixtures.emulator({ faults: { latencyMs: 6500 } });
    const gw = await fixtures.gateway(hss, {
      HTTP_HEADERS_TIMEOUT_MS: '1000',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
    });
    const socket = connect(Number(new URL(gw.url).port), '127.0.0.1');
    const body = JSON.stringify({ query: '{ portStatistics { totalCount } }' });
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.write(
      `GET /health HTTP/1.1\r\nHost: gateway\r\n\r\nPOST /graphql HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await new Promise<void>((answered) => {
      socket.on('data', () => received.includes('"totalCount"') && answered());
      socket.on('close', () => answered());
    });
    socket.destroy();
    expect(received).not.toContain('408 Request Timeout');
    expect(received).toContain('"totalCount"');
  }, 30_000);
});
