/**
 * The list the client tests page through: dangerous ports, with the top-level Relay arguments
 * that client caches (Apollo's relayStylePagination, urql's relayPagination) read.
 */
import { parse } from 'graphql';

export const DANGEROUS_PORTS = parse(/* GraphQL */ `
  query DangerousPorts($filter: PortStatisticFilter, $first: Int, $after: String) {
    portStatistics(filter: $filter, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          port
          type
          num
          status
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

export interface DangerousPortsData {
  portStatistics: {
    totalCount: number;
    edges: { cursor: string; node: { id: string; port: number } }[];
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
  };
}
