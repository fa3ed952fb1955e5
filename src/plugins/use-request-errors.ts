/**
 * How a request that never ran reaches the client: an answer with errors and no data (it could not
 * be parsed, validated, or its variables do not fit) is HTTP 400 whatever the client accepts, as
 * other validation errors are; yoga would answer 200 to `Accept: application/json`. And where
 * introspection is off, no error says "Did you mean ...?": suggestions reveal the schema.
 */
import { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';

export interface RequestErrorsOptions {
  /** Whether error messages may suggest names of the schema (INTROSPECTION). */
  suggestions: boolean;
}

const SUGGESTION = /\s*Did you mean [^?]*\?$/;

function rewritten(error: GraphQLError, requestFailed: boolean, suggestions: boolean): GraphQLError {
  const extensions = { ...error.extensions };
  const http = extensions.http as { status?: number; spec?: boolean } | undefined;
  if (requestFailed && extensions.code !== 'INTERNAL_SERVER_ERROR') {
    // `spec` lets yoga answer 200 to application/json clients; the contract says 400.
    extensions.http = { ...http, status: http?.status ?? 400, spec: false };
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
