/**
 * GraphQL over HTTP, as its specification asks and as its reference audit (graphql-http's
 * `auditServer`) checks: every MUST and every SHOULD. A request that could not be parsed, validated
 * or coerced is 4xx for `application/graphql-response+json` clients and 200 with `errors` for those
 * that accept only `application/json`; a malformed HTTP request is 400 either way.
 */
import { auditServer } from 'graphql-http';
import { request } from 'undici';
import { useDemoGateway } from '../helpers/fixtures.js';

const demo = useDemoGateway();

describe('the graphql-http audit', () => {
  it('passes every MUST, every SHOULD and every MAY', async () => {
    const results = await auditServer({ url: `${demo.gw.url}/graphql` });
    const notOk = results.filter((result) => result.status !== 'ok');
    expect(notOk.map((result) => `${result.name}: ${'reason' in result ? result.reason : ''}`)).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
  });
});

describe('status codes by what the client accepts', () => {
  const post = async (accept: string, body: string) => {
    const response = await request(`${demo.gw.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept },
      body,
    });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      body: text ? (JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] }) : {},
    };
  };
  const GRAPHQL_RESPONSE = 'application/graphql-response+json';
  const JSON_ONLY = 'application/json';

  it.each([
    [
      'a document that does not parse',
      JSON.stringify({ query: '{ portStatistics {' }),
      'GRAPHQL_PARSE_FAILED',
    ],
    [
      'a document that does not validate',
      JSON.stringify({ query: '{ portStatistics { nope } }' }),
      'GRAPHQL_VALIDATION_FAILED',
    ],
    [
      'variables that do not coerce',
      JSON.stringify({
        query: 'query($n: Int) { portStatistics(first: $n) { totalCount } }',
        variables: { n: 'x' },
      }),
      'BAD_USER_INPUT',
    ],
  ])('%s: 400 for graphql-response+json, 200 with errors for application/json', async (_, body, code) => {
    const strict = await post(GRAPHQL_RESPONSE, body);
    expect(strict.status).toBe(400);
    expect(strict.body.errors?.[0]?.extensions?.code).toBe(code);
    const lenient = await post(JSON_ONLY, body);
    expect(lenient.status).toBe(200);
    expect(lenient.body.errors?.[0]?.extensions?.code).toBe(code);
  });

  it('a body that is not JSON is 400 either way', async () => {
    expect((await post(GRAPHQL_RESPONSE, '{ not json')).status).toBe(400);
    expect((await post(JSON_ONLY, '{ not json')).status).toBe(400);
  });
});
