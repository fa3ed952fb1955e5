/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query DangerousPortsAndServers($first: Int = 5, $serversPerPort: Int = 10) {\n  portStatistics(\n    filter: {status: DANGER, category: HOST}\n    first: $first\n    orderBy: {field: PORT, direction: ASC}\n  ) {\n    totalCount\n    nodes {\n      id\n      port\n      type\n      num\n      service {\n        name\n      }\n      servers(first: $serversPerPort) {\n        totalCount\n        nodes {\n          id\n          hostName\n          hostIp\n          listenAddress\n          listensOnAllInterfaces\n          processPath\n          pid\n        }\n      }\n    }\n  }\n}": typeof types.DangerousPortsAndServersDocument,
    "query DangerousPorts($type: PortProtocol, $portString: String, $first: Int = 100, $after: String) {\n  portStatistics(\n    filter: {status: DANGER, type: $type, portString: $portString}\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    nodes {\n      ...PortStatisticFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.DangerousPortsDocument,
    "query Dashboard($projectId: ID, $category: AssetCategory) {\n  summary: portStatisticsSummary(\n    projectId: $projectId\n    filter: {category: $category}\n  ) {\n    totalCount\n    fetchedAt\n    stale\n    byStatus {\n      status\n      count\n    }\n    byProtocol {\n      type\n      count\n    }\n  }\n  dangerous: portStatistics(\n    projectId: $projectId\n    filter: {category: $category, status: DANGER}\n  ) {\n    totalCount\n    nodes {\n      ...PortStatisticFields\n    }\n  }\n  all: portStatistics(projectId: $projectId, filter: {category: $category}) {\n    nodes {\n      ...PortStatisticFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": typeof types.DashboardDocument,
    "query PortStatisticById($id: ID!) {\n  node(id: $id) {\n    ... on PortStatistic {\n      ...PortStatisticFields\n    }\n  }\n}": typeof types.PortStatisticByIdDocument,
    "fragment PortStatisticFields on PortStatistic {\n  id\n  port\n  type\n  num\n  status\n  service {\n    name\n    description\n  }\n}": typeof types.PortStatisticFieldsFragmentDoc,
    "query PortStatisticsPage($projectId: ID, $filter: PortStatisticFilter, $first: Int = 50, $after: String, $orderBy: PortStatisticOrder) {\n  portStatistics(\n    projectId: $projectId\n    filter: $filter\n    first: $first\n    after: $after\n    orderBy: $orderBy\n  ) {\n    totalCount\n    fetchedAt\n    stale\n    edges {\n      cursor\n      node {\n        ...PortStatisticFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}": typeof types.PortStatisticsPageDocument,
};
const documents: Documents = {
    "query DangerousPortsAndServers($first: Int = 5, $serversPerPort: Int = 10) {\n  portStatistics(\n    filter: {status: DANGER, category: HOST}\n    first: $first\n    orderBy: {field: PORT, direction: ASC}\n  ) {\n    totalCount\n    nodes {\n      id\n      port\n      type\n      num\n      service {\n        name\n      }\n      servers(first: $serversPerPort) {\n        totalCount\n        nodes {\n          id\n          hostName\n          hostIp\n          listenAddress\n          listensOnAllInterfaces\n          processPath\n          pid\n        }\n      }\n    }\n  }\n}": types.DangerousPortsAndServersDocument,
    "query DangerousPorts($type: PortProtocol, $portString: String, $first: Int = 100, $after: String) {\n  portStatistics(\n    filter: {status: DANGER, type: $type, portString: $portString}\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    nodes {\n      ...PortStatisticFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.DangerousPortsDocument,
    "query Dashboard($projectId: ID, $category: AssetCategory) {\n  summary: portStatisticsSummary(\n    projectId: $projectId\n    filter: {category: $category}\n  ) {\n    totalCount\n    fetchedAt\n    stale\n    byStatus {\n      status\n      count\n    }\n    byProtocol {\n      type\n      count\n    }\n  }\n  dangerous: portStatistics(\n    projectId: $projectId\n    filter: {category: $category, status: DANGER}\n  ) {\n    totalCount\n    nodes {\n      ...PortStatisticFields\n    }\n  }\n  all: portStatistics(projectId: $projectId, filter: {category: $category}) {\n    nodes {\n      ...PortStatisticFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}": types.DashboardDocument,
    "query PortStatisticById($id: ID!) {\n  node(id: $id) {\n    ... on PortStatistic {\n      ...PortStatisticFields\n    }\n  }\n}": types.PortStatisticByIdDocument,
    "fragment PortStatisticFields on PortStatistic {\n  id\n  port\n  type\n  num\n  status\n  service {\n    name\n    description\n  }\n}": types.PortStatisticFieldsFragmentDoc,
    "query PortStatisticsPage($projectId: ID, $filter: PortStatisticFilter, $first: Int = 50, $after: String, $orderBy: PortStatisticOrder) {\n  portStatistics(\n    projectId: $projectId\n    filter: $filter\n    first: $first\n    after: $after\n    orderBy: $orderBy\n  ) {\n    totalCount\n    fetchedAt\n    stale\n    edges {\n      cursor\n      node {\n        ...PortStatisticFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}": types.PortStatisticsPageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DangerousPortsAndServers($first: Int = 5, $serversPerPort: Int = 10) {\n  portStatistics(\n    filter: {status: DANGER, category: HOST}\n    first: $first\n    orderBy: {field: PORT, direction: ASC}\n  ) {\n    totalCount\n    nodes {\n      id\n      port\n      type\n      num\n      service {\n        name\n      }\n      servers(first: $serversPerPort) {\n        totalCount\n        nodes {\n          id\n          hostName\n          hostIp\n          listenAddress\n          listensOnAllInterfaces\n          processPath\n          pid\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query DangerousPortsAndServers($first: Int = 5, $serversPerPort: Int = 10) {\n  portStatistics(\n    filter: {status: DANGER, category: HOST}\n    first: $first\n    orderBy: {field: PORT, direction: ASC}\n  ) {\n    totalCount\n    nodes {\n      id\n      port\n      type\n      num\n      service {\n        name\n      }\n      servers(first: $serversPerPort) {\n        totalCount\n        nodes {\n          id\n          hostName\n          hostIp\n          listenAddress\n          listensOnAllInterfaces\n          processPath\n          pid\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DangerousPorts($type: PortProtocol, $portString: String, $first: Int = 100, $after: String) {\n  portStatistics(\n    filter: {status: DANGER, type: $type, portString: $portString}\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    nodes {\n      ...PortStatisticFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query DangerousPorts($type: PortProtocol, $portString: String, $first: Int = 100, $after: String) {\n  portStatistics(\n    filter: {status: DANGER, type: $type, portString: $portString}\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    nodes {\n      ...PortStatisticFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Dashboard($projectId: ID, $category: AssetCategory) {\n  summary: portStatisticsSummary(\n    projectId: $projectId\n    filter: {category: $category}\n  ) {\n    totalCount\n    fetchedAt\n    stale\n    byStatus {\n      status\n      count\n    }\n    byProtocol {\n      type\n      count\n    }\n  }\n  dangerous: portStatistics(\n    projectId: $projectId\n    filter: {category: $category, status: DANGER}\n  ) {\n    totalCount\n    nodes {\n      ...PortStatisticFields\n    }\n  }\n  all: portStatistics(projectId: $projectId, filter: {category: $category}) {\n    nodes {\n      ...PortStatisticFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"): (typeof documents)["query Dashboard($projectId: ID, $category: AssetCategory) {\n  summary: portStatisticsSummary(\n    projectId: $projectId\n    filter: {category: $category}\n  ) {\n    totalCount\n    fetchedAt\n    stale\n    byStatus {\n      status\n      count\n    }\n    byProtocol {\n      type\n      count\n    }\n  }\n  dangerous: portStatistics(\n    projectId: $projectId\n    filter: {category: $category, status: DANGER}\n  ) {\n    totalCount\n    nodes {\n      ...PortStatisticFields\n    }\n  }\n  all: portStatistics(projectId: $projectId, filter: {category: $category}) {\n    nodes {\n      ...PortStatisticFields\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PortStatisticById($id: ID!) {\n  node(id: $id) {\n    ... on PortStatistic {\n      ...PortStatisticFields\n    }\n  }\n}"): (typeof documents)["query PortStatisticById($id: ID!) {\n  node(id: $id) {\n    ... on PortStatistic {\n      ...PortStatisticFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment PortStatisticFields on PortStatistic {\n  id\n  port\n  type\n  num\n  status\n  service {\n    name\n    description\n  }\n}"): (typeof documents)["fragment PortStatisticFields on PortStatistic {\n  id\n  port\n  type\n  num\n  status\n  service {\n    name\n    description\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PortStatisticsPage($projectId: ID, $filter: PortStatisticFilter, $first: Int = 50, $after: String, $orderBy: PortStatisticOrder) {\n  portStatistics(\n    projectId: $projectId\n    filter: $filter\n    first: $first\n    after: $after\n    orderBy: $orderBy\n  ) {\n    totalCount\n    fetchedAt\n    stale\n    edges {\n      cursor\n      node {\n        ...PortStatisticFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}"): (typeof documents)["query PortStatisticsPage($projectId: ID, $filter: PortStatisticFilter, $first: Int = 50, $after: String, $orderBy: PortStatisticOrder) {\n  portStatistics(\n    projectId: $projectId\n    filter: $filter\n    first: $first\n    after: $after\n    orderBy: $orderBy\n  ) {\n    totalCount\n    fetchedAt\n    stale\n    edges {\n      cursor\n      node {\n        ...PortStatisticFields\n      }\n    }\n    pageInfo {\n      hasNextPage\n      hasPreviousPage\n      startCursor\n      endCursor\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;