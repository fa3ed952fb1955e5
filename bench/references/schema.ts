/**
 * What both reference servers share, so they answer the benchmark's query with the same schema and
 * send HSS the same request: the minimal SDL for
 * `portStatistics(filter, page) { totalCount nodes { port type num status } }`, the enum values
 * HSS spells in lower case, and the mapping of the arguments to HSS's query parameters.
 */

export const typeDefs = /* GraphQL */ `
  enum PortProtocol { TCP TCP6 UDP UDP6 }
  enum PortRiskStatus { DANGER NORMAL UNKNOWN }

  input PortStatisticFilter { port: Int, portString: String }
  input PageInput { first: Int }

  type PortStatistic { port: Int!, type: PortProtocol!, num: Int!, status: PortRiskStatus! }
  type PortStatisticConnection { totalCount: Int!, nodes: [PortStatistic!]! }

  type Query {
    portStatistics(filter: PortStatisticFilter, page: PageInput): PortStatisticConnection
  }
`;

/** Internal values of `PortRiskStatus`: HSS answers `danger`, `normal`, `unknown`. */
export const PortRiskStatus = { DANGER: 'danger', NORMAL: 'normal', UNKNOWN: 'unknown' };

export interface PortStatisticsArgs {
  filter?: { port?: number | null; portString?: string | null } | null;
  page?: { first?: number | null } | null;
}

/** HSS's answer to `GET /v5/{project_id}/asset/port/statistics`. */
export interface UpstreamBlock {
  total_num: number;
  data_list: { port: number; type: string; num: number; status: string }[];
}

/** HSS's query parameters for the arguments; HSS takes a `limit` of 10 to 200. */
export function upstreamParams({ filter, page }: PortStatisticsArgs): Record<string, string> {
  const params: Record<string, string> = { limit: String(Math.min(200, Math.max(10, page?.first ?? 10))) };
  if (filter?.portString != null) params.port_string = filter.portString;
  if (filter?.port != null) params.port = String(filter.port);
  return params;
}

/** The GraphQL answer: totalCount and the first `first` rows (HSS's smallest page is 10). */
export function connectionOf(answer: UpstreamBlock, { page }: PortStatisticsArgs) {
  return { totalCount: answer.total_num, nodes: answer.data_list.slice(0, page?.first ?? 10) };
}

/** Where the reference servers find HSS and bind, from the environment the bench sets. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const endpoint = env.HSS_ENDPOINT;
  const projectId = env.HSS_PROJECT_ID;
  if (!endpoint || !projectId)
    throw new Error(`HSS_ENDPOINT and HSS_PROJECT_ID must be set; got ${endpoint} and ${projectId}`);
  return { endpoint, projectId, port: Number(env.PORT ?? 4000) };
}
