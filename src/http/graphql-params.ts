/**
 * The GraphQL-over-HTTP parameters of a JSON POST body, read by the HTTP handler when it reads the
 * body itself (the response cache, the fast lane). A body of another shape is left to yoga, which
 * answers it with the right error.
 */
export interface GraphQLParams {
  query?: string;
  operationName?: string;
  variables?: Record<string, unknown>;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } & Record<string, unknown>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The parameters, or undefined when the body is not a JSON object of the usual shape. */
export function readGraphQLParams(body: Buffer): GraphQLParams | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const { query, operationName, variables, extensions } = value;
  const params: GraphQLParams = {};
  if (typeof query === 'string') params.query = query;
  else if (query != null) return undefined;
  if (typeof operationName === 'string') params.operationName = operationName;
  else if (operationName != null) return undefined;
  if (isRecord(variables)) params.variables = variables;
  else if (variables != null) return undefined;
  if (isRecord(extensions)) params.extensions = extensions;
  else if (extensions != null) return undefined;
  return params;
}
