/**
 * How a request that never ran reaches the client, as GraphQL over HTTP asks: an answer with errors
 * and no data (it could not be parsed, validated, priced within the limit, or its variables do not
 * coerce) is HTTP 400 to a client that accepts `application/graphql-response+json`, and 200 to one
 * that accepts only `application/json` (yoga reads `spec` for that). And where introspection is
 * off, no error says "Did you mean ...?": suggestions reveal the schema.
 */
import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

export interface RequestErrorsOptions {
  /** Whether error messages may suggest names of the schema (INTROSPECTION). */
  suggestions: boolean;
}

const SUGGESTION = /\s*Did you mean [^?]*\?$/;

/** A document that could not be parsed, validated (price limit included) or its variables coerced. */
const GRAPHQL_REQUEST_ERRORS = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
]);

function rewritten(error: GraphQLError, requestFailed: boolean, suggestions: boolean): GraphQLError {
  const extensions = { ...error.extensions };
  const http = extensions.http as { status?: number; spec?: boolean } | undefined;
  if (requestFailed && extensions.code !== 'INTERNAL_SERVER_ERROR') {
    // `spec`: yoga answers 200 to clients that accept only application/json. A request that is not
    // a well-formed GraphQL-over-HTTP request (a query that is not a string ...) stays 400 for all.
    const graphqlError = GRAPHQL_REQUEST_ERRORS.has(String(extensions.code));
    extensions.http = { ...http, status: http?.status ?? 400, spec: graphqlError };
  }
  return new GraphQLError(suggestions ? error.message : error.message.replace(SUGGESTION, ''), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}

export function useRequestErrors(options: RequestErrorsOptions): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || isAsyncIterable(result) || !result.errors?.length) return;
      const requestFailed = result.data === undefined;
      if (!requestFailed && options.suggestions) return;
      setResult({
        ...result,
        errors: result.errors.map((error) =>
          rewritten(error as GraphQLError, requestFailed, options.suggestions),
        ),
      });
    },
  };
}
