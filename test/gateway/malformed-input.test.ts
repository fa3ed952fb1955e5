/**
 * Bad input is a 4xx with `extensions.code`, never a 500: whatever the body, the variables or the
 * strings in them, the answer names the problem, nothing is sent upstream, and the logs hold no
 * error-level line (an error line is for the gateway's own faults).
 */
import { request } from 'undici';
import { useFixtures } from '../helpers/fixtures.js';
import type { RunningGateway } from '../helpers/gateway.js';
import { useGatewayOnEmulator } from '../helpers/gateway-on-emulator.js';

const rig = useGatewayOnEmulator();

/** As a GraphQL-over-HTTP client asks (an application/json-only client gets 200 for coercion errors). */
async function post(body: string, contentType = 'application/json') {
  const response = await request(`${rig.gw.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/graphql-response+json' },
    body,
  });
  const text = await response.body.text();
  let json: { errors?: { message: string; extensions?: { code?: string } }[] } | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode, json, text };
}

const FILTER_QUERY = 'query ($f: PortStatisticFilter) { portStatistics(filter: $f) { totalCount } }';
const nested = (depth: number) => {
  let value = '{}';
  for (let i = 0; i < depth; i++) value = `{"a":${value}}`;
  return value;
};
const nestedList = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe.each<[string, string, string?]>([
  [
    'a lone surrogate in a variable',
    `{"query":"${FILTER_QUERY}","variables":{"f":{"enterpriseProjectId":"\\ud800"}}}`,
  ],
  [
    'a lone surrogate in the document',
    `{"query":"{ portStatistics(filter: { enterpriseProjectId: \\"\\udfff\\" }) { totalCount } }"}`,
  ],
  [
    'a lone surrogate in a cursor',
    `{"query":"{ portStatistics(page: { after: \\"\\ud800\\" }) { totalCount } }"}`,
  ],
  ['a lone surrogate in a node id', `{"query":"{ node(id: \\"\\ud800\\") { id } }"}`],
  ['variables nested 10,000 deep', `{"query":"${FILTER_QUERY}","variables":{"f":${nested(10_000)}}}`],
  [
    'a list variable nested 10,000 deep',
    `{"query":"${FILTER_QUERY}","variables":{"f":${nestedList(10_000)}}}`,
  ],
  ['variables that are a string', `{"query":"${FILTER_QUERY}","variables":"f"}`],
  ['variables that are a list', `{"query":"${FILTER_QUERY}","variables":[1]}`],
  ['a query that is not a string', '{"query":42}'],
  ['no query', '{"variables":{}}'],
  ['an operation name that is not a string', '{"query":"{ __typename }","operationName":7}'],
  ['a body that is not JSON', '{"query":'],
  ['a body that is JSON null', 'null'],
  ['a body that is a JSON list', '[]'],
  [
    'a number beyond any Int',
    `{"query":"query ($n: Int) { portStatistics(page: { first: $n }) { totalCount } }","variables":{"n":1e400}}`,
  ],
  ['an unknown operation name', '{"query":"query A { __typename }","operationName":"B"}'],
  ['a __proto__ key in variables', `{"query":"${FILTER_QUERY}","variables":{"f":{"__proto__":{"port":1}}}}`],
  ['an unknown field in an input variable', `{"query":"${FILTER_QUERY}","variables":{"f":{"nope":1}}}`],
  ['text/plain', '{"query":"{ __typename }"}', 'text/plain'],
])('%s', (_label, body, contentType) => {
  it('is a 4xx with a code, sends nothing upstream and logs no error line', async () => {
    const calls = rig.hss.received.length;
    const errorLines = rig.gw.logs.entries().filter((e) => Number(e.level) >= 50).length;
    const answer = await post(body, contentType);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.json?.errors?.[0]?.extensions?.code).toMatch(
      /^(BAD_REQUEST|BAD_USER_INPUT|GRAPHQL_[A-Z_]+|OPERATION_RESOLUTION_FAILURE)$/,
    );
    expect(rig.hss.received.length).toBe(calls);
    expect(rig.gw.logs.entries().filter((e) => Number(e.level) >= 50).length).toBe(errorLines);
  });
});

describe('with INTROSPECTION=false', () => {
  const fixtures = useFixtures();
  let closed: RunningGateway;
  beforeAll(async () => {
    closed = await fixtures.gateway(rig.hss, { INTROSPECTION: 'false' });
  });

  it.each([
    [
      'an enum value in the document',
      '{ portStatistics(filter: { status: DANGR }) { totalCount } }',
      undefined,
    ],
    ['an input field in the document', '{ portStatistics(filter: { prot: 22 }) { totalCount } }', undefined],
    ['a field', '{ portStatistics { totalCont } }', undefined],
    ['an enum value in a variable', FILTER_QUERY, { f: { status: 'DANGR' } }],
    ['an input field in a variable', FILTER_QUERY, { f: { prot: 22 } }],
  ])('%s: no "Did you mean", which would reveal the schema', async (_label, query, variables) => {
    const answer = await closed.graphql(query, variables);
    expect(answer.status).toBe(400);
    for (const error of answer.body.errors ?? []) expect(error.message).not.toMatch(/did you mean/i);
    expect(JSON.stringify(answer.body)).not.toMatch(/DANGER|"port"|totalCount"/);
  });
});

describe('request shapes no GraphQL client sends', () => {
  const get = async (query: string) => {
    const response = await request(`${rig.gw.url}/graphql?${query}`, {
      headers: { accept: 'application/json' },
    });
    return {
      status: response.statusCode,
      json: (await response.body.json()) as { errors?: { extensions?: { code?: string } }[] },
    };
  };

  it.each([
    ['variables that are not JSON', 'query=%7B__typename%7D&variables=%ZZ'],
    ['variables that are not an object', 'query=%7B__typename%7D&variables=x'],
    ['extensions that are not JSON', 'query=%7B__typename%7D&extensions=x'],
  ])('a GET with %s is 400, with no error line', async (_, query) => {
    const errorsBefore = rig.gw.logs.entries().filter((e) => (e.level as number) >= 50).length;
    const { status, json } = await get(query);
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect(rig.gw.logs.entries().filter((e) => (e.level as number) >= 50)).toHaveLength(errorsBefore);
  });

  it.each([
    [
      'multipart',
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="map"\r\n\r\n[1,2]\r\n--x--',
    ],
    ['a form', 'application/x-www-form-urlencoded', 'query=%7B__typename%7D&variables=%7B'],
    ['text', 'text/plain', '{"query":"{ __typename }"}'],
  ])('a POST of %s, even with a preflight header, is 415: GraphQL POSTs are JSON', async (_, type, body) => {
    const errorsBefore = rig.gw.logs.entries().filter((e) => (e.level as number) >= 50).length;
    const response = await request(`${rig.gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': type, 'x-graphql-yoga-csrf': '1' },
      body,
    });
    expect(response.statusCode).toBe(415);
    expect(await response.body.json()).toMatchObject({
      errors: [{ extensions: { code: 'UNSUPPORTED_MEDIA_TYPE' } }],
    });
    expect(rig.gw.logs.entries().filter((e) => (e.level as number) >= 50)).toHaveLength(errorsBefore);
  });

  it.each(['/graphql/', '//graphql', '/graphql/x', '/GRAPHQL'])(
    '%s is 404: only the gateway`s own paths are served, so every check keyed on /graphql runs',
    async (path) => {
      const calls = rig.hss.received.length;
      const response = await request(`${rig.gw.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'query=%7BportStatistics%7BtotalCount%7D%7D',
      });
      expect(response.statusCode).toBe(404);
      expect(await response.body.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
      expect(rig.hss.received).toHaveLength(calls);
    },
  );
});
