/**
 * What a Relay app of the dashboard writes, one module (a component, in an app) each: relay-compiler
 * reads them from `graphql` tags and requires each name to start with its module's name.
 */
export const RELAY_MODULES: Record<string, string[]> = {
  // A row's servers deferred (@defer on a fragment spread, as Relay takes it): rows first.
  DeferredServers: [
    /* GraphQL */ `
      query DeferredServersQuery {
        portStatistics(filter: { port: 3389, type: TCP }) {
          nodes {
            id
            port
            ...DeferredServers_statistic @defer
          }
        }
      }
    `,
    /* GraphQL */ `
      fragment DeferredServers_statistic on PortStatistic {
        servers(first: 2) {
          totalCount
        }
      }
    `,
  ],
  // A live list: requestSubscription over the network's subscribe (GraphQL over SSE).
  LivePorts: [
    /* GraphQL */ `
      subscription LivePortsSubscription {
        portStatistics(filter: { status: DANGER }, first: 3) {
          totalCount
          edges {
            node {
              id
              port
              num
            }
          }
        }
      }
    `,
  ],
  // The list of rows, paged both ways: a bidirectional connection, keyed by its filter.
  PortList: [
    /* GraphQL */ `
      query PortListQuery($first: Int, $last: Int, $filter: PortStatisticFilter) {
        ...PortList_query @arguments(first: $first, last: $last, filter: $filter)
      }
    `,
    /* GraphQL */ `
      fragment PortList_query on Query
      @refetchable(queryName: "PortListPaginationQuery")
      @argumentDefinitions(
        first: { type: "Int" }
        after: { type: "String" }
        last: { type: "Int" }
        before: { type: "String" }
        filter: { type: "PortStatisticFilter" }
      ) {
        portStatistics(first: $first, after: $after, last: $last, before: $before, filter: $filter)
          @connection(key: "PortList_portStatistics") {
          totalCount
          edges {
            node {
              id
              port
              type
              num
              ...PortRow_statistic
            }
          }
        }
      }
    `,
  ],
  // One row, refetched by its id as Relay does: Query.node(id:).
  PortRow: [
    /* GraphQL */ `
      fragment PortRow_statistic on PortStatistic @refetchable(queryName: "PortRowRefetchQuery") {
        status
        port
        type
        num
        service {
          name
        }
      }
    `,
  ],
  // A row's servers, paged through the refetch query Relay writes for a Node: node(id:).
  PortServers: [
    /* GraphQL */ `
      query PortServersQuery($id: ID!, $count: Int!) {
        # Relay 21 asks for @alias on a spread that might not match (a Node need not be a row).
        node(id: $id) {
          ...PortServers_statistic @alias @arguments(count: $count)
        }
      }
    `,
    /* GraphQL */ `
      fragment PortServers_statistic on PortStatistic
      @refetchable(queryName: "PortServersPaginationQuery")
      @argumentDefinitions(count: { type: "Int!" }, cursor: { type: "String" }) {
        servers(first: $count, after: $cursor) @connection(key: "PortServers_servers") {
          totalCount
          edges {
            node {
              id
              hostName
              pid
            }
          }
        }
      }
    `,
  ],
};
