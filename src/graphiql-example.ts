/** The operation GraphiQL opens on: it runs as is against the embedded emulator's demo data. */
export const GRAPHIQL_EXAMPLE_QUERY = `# Dangerous open ports: on how many servers each is open.
# Run it, then try filter: { portString: "80" } or paging with
# page: { first: 10, after: "<endCursor>" }.
query DangerousOpenPorts {
  portStatistics(
    filter: { status: DANGER }
    page: { first: 10 }
    orderBy: { field: PORT, direction: ASC }
  ) {
    totalCount
    edges {
      cursor
      node { id port type num status }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`;
