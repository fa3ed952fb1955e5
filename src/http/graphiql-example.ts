/** The operation GraphiQL opens on: it runs as is against the embedded emulator's demo data. */
export const GRAPHIQL_EXAMPLE_QUERY = `# Dangerous open ports: on how many servers each is open, and which.
# Run it, then try filter: { portString: "80" }, or the next page with
# after: "<endCursor>". Each row's servers cost one more upstream call:
# see extensions.cost in the answer.
query DangerousOpenPorts {
  portStatistics(
    filter: { status: DANGER, category: HOST }
    first: 5
    orderBy: { field: PORT, direction: ASC }
  ) {
    totalCount
    edges {
      cursor
      node {
        id port type num status
        service { name }
        servers(first: 3) {
          totalCount
          nodes { hostName hostIp listensOnAllInterfaces processPath }
        }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;
