/** One log line per upstream call, with the request's own id on every line, and no secret anywhere. */
import { useFixtures } from '../helpers/fixtures.js';
import { useGatewayOnEmulator } from '../helpers/gateway-on-emulator.js';

const perTest = useFixtures({ closeAfter: 'each' });

const STATIC_TOKEN = 'static-token-MIIabcdefSECRET';
const CALLER_TOKEN = 'caller-token-MIIzyxwvSECRET';

// HSS's quota is not this file's subject, and its tests share one emulator for more than 5 calls.
const rig = useGatewayOnEmulator(
  { HSS_PROJECT_ID: 'p', HSS_AUTH_TOKEN: STATIC_TOKEN },
  { quotaPerMinute: 0 },
);

describe('the upstream call log line', () => {
  it('names the operation, method, path, query, status, duration, upstream request id and bytes', async () => {
    const answer = await rig.gw.graphql(
      'query TopDangerous { portStatistics(filter: { status: DANGER }, page: { first: 5 }) { totalCount } }',
      {},
      { 'x-request-id': 'client-req-42' },
      'TopDangerous',
    );
    expect(answer.headers['x-request-id']).toBe('client-req-42');
    const lines = rig.gw.logs.entries().filter((e) => e.requestId === 'client-req-42');
    const call = lines.find((e) => e.msg === 'HSS call');
    const upstream = rig.hss.received.at(-1);
    expect(call).toMatchObject({
      level: 30,
      requestId: 'client-req-42',
      upstreamOperation: 'ListPortStatistics',
      operationName: 'TopDangerous',
      method: 'GET',
      path: '/v5/p/asset/port/statistics',
      query: 'limit=200&status=danger', // every call brings a block of 200 rows
      status: 200,
      upstreamRequestId: upstream?.requestId,
      bytes: expect.any(Number),
      durationMs: expect.any(Number),
    });
    expect(call?.bytes).toBeGreaterThan(50);
  });

  it('names the operation from the document when the client sends no operationName', async () => {
    await rig.gw.graphql(
      'query WidgetHeader { portStatistics { totalCount } }',
      {},
      { 'x-request-id': 'named-by-doc' },
    );
    const call = rig.gw.logs.entries().find((e) => e.requestId === 'named-by-doc' && e.msg === 'HSS call');
    expect(call?.operationName).toBe('WidgetHeader');
  });

  it('one line per upstream call: three distinct queries, three lines', async () => {
    await rig.gw.graphql(
      '{ a: portStatistics(filter: { port: 1 }) { totalCount } b: portStatistics(filter: { port: 2 }) { totalCount } c: portStatistics(filter: { port: 3 }) { totalCount } d: portStatistics(filter: { port: 3 }) { totalCount } }',
      {},
      { 'x-request-id': 'three-calls' },
    );
    const calls = rig.gw.logs.entries().filter((e) => e.requestId === 'three-calls' && e.msg === 'HSS call');
    expect(calls.map((c) => c.query).sort()).toEqual([
      'limit=200&port=1',
      'limit=200&port=2',
      'limit=200&port=3',
    ]);
  });

  it('generates a request id when the client sends an unsafe one, and echoes it', async () => {
    const answer = await rig.gw.graphql(
      '{ portStatistics { totalCount } }',
      {},
      { 'x-request-id': 'bad id with spaces and "quotes"' },
    );
    const id = answer.headers['x-request-id'] as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(rig.gw.logs.entries().some((e) => e.requestId === id && e.msg === 'HSS call')).toBe(true);
  });

  it('an upstream error is logged at warn with its code, status and request id', async () => {
    const upstream = await perTest.scripted(() => ({
      status: 403,
      headers: { 'x-request-id': 'hss-403' },
      body: { error_code: 'HSS.0013', error_msg: 'insufficient permissions' },
    }));
    const denied = await perTest.gateway(upstream, { HSS_AUTH_TOKEN: STATIC_TOKEN });
    await denied.graphql('{ portStatistics { totalCount } }', {}, { 'x-request-id': 'denied-1' });
    expect(denied.logs.entries().find((e) => e.requestId === 'denied-1')).toMatchObject({
      level: 40,
      status: 403,
      errorCode: 'HSS.0013',
      upstreamRequestId: 'hss-403',
      upstreamMessage: 'insufficient permissions',
    });
  });
});

describe('secrets', () => {
  it('no token appears in any log line, for the static token or a caller`s', async () => {
    await rig.gw.graphql('{ portStatistics { totalCount } }');
    await rig.gw.graphql('{ portStatistics { totalCount } }', {}, { 'x-auth-token': CALLER_TOKEN });
    await rig.gw.graphql(
      '{ portStatistics { totalCount } }',
      {},
      { authorization: `Bearer ${CALLER_TOKEN}` },
    );
    await rig.gw.graphql(
      '{ portStatistics(page: { first: 5000 }) { totalCount } }',
      {},
      { 'x-auth-token': CALLER_TOKEN },
    );
    const all = rig.gw.logs.lines.join('');
    expect(rig.gw.logs.lines.length).toBeGreaterThan(3);
    expect(all).not.toContain('SECRET');
  });

  it('a token slipped into a log object by mistake is redacted', () => {
    rig.gw.logs.logger.info({ token: 'leaked-SECRET', headers: { 'x-auth-token': 'leaked-SECRET' } }, 'oops');
    const line = rig.gw.logs.lines.at(-1) ?? '';
    expect(line).toContain('[redacted]');
    expect(line).not.toContain('leaked-SECRET');
  });
});
