/** Every argument is checked against HSS's documented ranges before any upstream call. */
import { useFixtures } from '../helpers/fixtures.js';
import { useGatewayOnEmulator } from '../helpers/gateway-on-emulator.js';

const perTest = useFixtures({ closeAfter: 'each' });

const rig = useGatewayOnEmulator();

async function refused(args: string, variables?: Record<string, unknown>, signature = '') {
  const before = rig.hss.received.length;
  const answer = await rig.gw.graphql(
    `query Q${signature} { portStatistics(${args}) { totalCount } }`,
    variables,
  );
  expect(rig.hss.received.length).toBe(before); // no upstream call was made
  expect(answer.body.errors).toHaveLength(1);
  return answer.body.errors?.[0];
}

describe('arguments outside the documented ranges are BAD_USER_INPUT, naming argument, bound and value', () => {
  it.each([
    ['page: { first: 1001 }', 'page.first must be between 0 and 1000; got 1001.'],
    ['page: { first: -1 }', 'page.first must be between 0 and 1000; got -1.'],
    ['page: { offset: -1 }', 'page.offset must be between 0 and 2000000; got -1.'],
    ['page: { offset: 2000001 }', 'page.offset must be between 0 and 2000000; got 2000001.'],
    ['filter: { port: 0 }', 'filter.port must be between 1 and 65535; got 0.'],
    ['filter: { port: 65536 }', 'filter.port must be between 1 and 65535; got 65536.'],
    [
      'filter: { portString: "" }',
      'filter.portString must be the digits of a port number from 1 to 65535; got "".',
    ],
    [
      'filter: { portString: "8a" }',
      'filter.portString must be the digits of a port number from 1 to 65535; got "8a".',
    ],
    [
      'filter: { portString: "99999" }',
      'filter.portString must be the digits of a port number from 1 to 65535; got "99999".',
    ],
    [
      'filter: { enterpriseProjectId: "" }',
      'filter.enterpriseProjectId must be 1 to 256 characters long; got 0 characters.',
    ],
    [
      `filter: { enterpriseProjectId: "${'e'.repeat(257)}" }`,
      'filter.enterpriseProjectId must be 1 to 256 characters long; got 257 characters.',
    ],
    ['projectId: ""', 'projectId must be 1 to 256 letters, digits, - or _ (an HSS project id); got "".'],
    ['projectId: ".."', 'projectId must be 1 to 256 letters, digits, - or _ (an HSS project id); got "..".'],
    [
      'page: { after: "bm90LWEtY3Vyc29y" }',
      'page.after is not a cursor this API issued; got "bm90LWEtY3Vyc29y".',
    ],
    [
      'page: { after: "T2Zmc2V0Q29ubmVjdGlvbjoxLTE=" }',
      'page.after is not a cursor this API issued; got "T2Zmc2V0Q29ubmVjdGlvbjoxLTE=".',
    ],
    [
      'page: { after: "T2Zmc2V0Q29ubmVjdGlvbjowo", offset: 3 }',
      'page.after and page.offset cannot be given together: pick one.',
    ],
  ])('%s', async (args, message) => {
    expect(await refused(args)).toMatchObject({
      message,
      path: ['portStatistics'],
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('an offset after a cursor beyond HSS`s range is refused', async () => {
    const cursor = Buffer.from('OffsetConnection:2000000').toString('base64');
    expect((await refused(`page: { after: "${cursor}" }`))?.message).toBe(
      'the offset after page.after must be between 0 and 2000000; got 2000001.',
    );
  });

  it('malformed values from variables are BAD_USER_INPUT too', async () => {
    const error = await refused('page: { first: $first }', { first: 'ten' }, '($first: Int)');
    expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error?.message).toContain('$first');
  });

  it('values that are not in an enum fail validation of the document', async () => {
    expect((await refused('filter: { status: RISKY }'))?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('with no configured project, a query must name one', async () => {
    const noProject = await perTest.gateway(undefined, { HSS_ENDPOINT: rig.hss.url, HSS_AUTH_TOKEN: 't' });
    const answer = await noProject.graphql('{ portStatistics { totalCount } }');
    expect(answer.body.errors?.[0]).toMatchObject({
      message: 'projectId is required: no default project is configured (HSS_PROJECT_ID).',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
