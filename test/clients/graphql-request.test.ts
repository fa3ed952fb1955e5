/** graphql-request 7, as its documentation shows: answers, and errors with the contract's codes. */
import { ClientError, GraphQLClient, gql } from 'graphql-request';
import { useDemoGateway } from '../helpers/fixtures.js';

const demo = useDemoGateway(); // the embedded demo, as `npm start` serves it

describe('graphql-request', () => {
  it('runs a query with variables', async () => {
    const client = new GraphQLClient(`${demo.gw.url}/graphql`);
    const data = await client.request<{ portStatistics: { totalCount: number; nodes: { port: number }[] } }>(
      gql`
        query Ports($first: Int) {
          portStatistics(first: $first) {
            totalCount
            nodes {
              port
            }
          }
        }
      `,
      { first: 3 },
    );
    expect(data.portStatistics.nodes).toHaveLength(3);
  });

  it('surfaces an error with its code', async () => {
    const client = new GraphQLClient(`${demo.gw.url}/graphql`);
    const failing = client.request(gql`
      {
        portStatistics(first: 5000) {
          totalCount
        }
      }
    `);
    await expect(failing).rejects.toBeInstanceOf(ClientError);
    const error = (await failing.catch((e: unknown) => e)) as ClientError;
    expect(error.response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.response.errors?.[0]?.message).toBe('first must be between 0 and 1000; got 5000.');
  });
});
