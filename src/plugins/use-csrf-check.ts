/**
 * Cross-site request forgery: a web page on another origin can make a browser send "simple"
 * requests (a form POST, `text/plain`) without asking the gateway first (no CORS preflight). Such a
 * POST must carry a header a browser only sends after a preflight (`X-Auth-Token`, `Authorization: Bearer`,
 * `apollo-require-preflight`, `x-graphql-yoga-csrf`); JSON POSTs, which every GraphQL client sends,
 * always preflight. GET is not refused: it runs queries only (this API has no mutations, and yoga
 * refuses mutations over GET), its answers are private to the caller, and refusing it would break
 * clients that send queries as GET by default (urql); but a GET without such a header spends none of
 * HSS's quota: it is answered from what the gateway has fetched (auth/authenticate.ts).
 */
import type { Plugin } from 'graphql-yoga';
import { PREFLIGHT_HEADERS, preflighted } from '../auth/authenticate.js';
import { refusalResponse } from '../errors/refusals.js';

// The content types a form or `fetch` in `no-cors` mode can send without a preflight.
const SIMPLE_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

function isSimple(contentType: string | null): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === '' || SIMPLE_TYPES.includes(type);
}

export function useCsrfCheck(graphqlEndpoint: string): Plugin {
  return {
    onRequest({ request, url, endResponse }) {
      if (request.method !== 'POST' || url.pathname !== graphqlEndpoint) return;
      if (!isSimple(request.headers.get('content-type'))) return;
      if (preflighted((name) => request.headers.get(name))) return;
      const message = `This request was blocked as a possible cross-site request forgery: send it with Content-Type: application/json, or with one of these headers: ${PREFLIGHT_HEADERS.join(', ')}.`;
      endResponse(refusalResponse(403, 'BAD_REQUEST', message));
    },
  };
}
