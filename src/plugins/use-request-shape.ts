/**
 * Only what GraphQL over HTTP asks for reaches yoga: the gateway's own paths exactly (yoga would
 * also answer `/graphql/` and `//graphql`, where the checks keyed on `/graphql` would not run), a
 * POST in JSON (no form, multipart or text bodies: no client of this API sends them, and their
 * parsers answered malformed input with a 500), and a GET whose `variables` and `extensions` are
 * JSON objects. Everything else is a 4xx that says what to send.
 */
import type { Plugin } from 'graphql-yoga';
import { refusalResponse } from '../errors/refusals.js';

const JSON_TYPES = ['application/json', 'application/graphql-response+json'];

/** A GET's JSON parameter that is present but not a JSON object. */
function malformedParameter(url: URL): string | undefined {
  for (const name of ['variables', 'extensions']) {
    const value = url.searchParams.get(name);
    if (value === null || value === '') continue;
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) return name;
    } catch {
      return name;
    }
  }
  return undefined;
}

/** Only the gateway's own paths, exactly; anything else is 404 before any other check. */
export function useKnownPaths(paths: readonly string[]): Plugin {
  const known = new Set(paths);
  return {
    onRequest({ url, endResponse }) {
      if (known.has(url.pathname)) return;
      const shown = url.pathname.slice(0, 100);
      endResponse(
        refusalResponse(404, 'NOT_FOUND', `Nothing is served at ${shown}; GraphQL is at /graphql.`),
      );
    },
  };
}

/** A GraphQL POST in JSON, a GET with JSON-object parameters (after the CSRF check's 403). */
export function useGraphQLRequestShape(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (url.pathname !== graphqlEndpoint) return;
      if (request.method === 'POST') {
        const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
        if (!JSON_TYPES.includes(type)) {
          const message = 'A GraphQL POST must be JSON: send Content-Type: application/json.';
          endResponse(refusalResponse(415, 'UNSUPPORTED_MEDIA_TYPE', message));
        }
      } else if (request.method === 'GET') {
        const name = malformedParameter(url);
        if (name) {
          endResponse(refusalResponse(400, 'BAD_REQUEST', `The ${name} parameter must be a JSON object.`));
        }
      }
    },
  };
}
