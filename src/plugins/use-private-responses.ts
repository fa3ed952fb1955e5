/**
 * GraphQL answers are the caller's alone: `Cache-Control: private, no-store` keeps every shared
 * cache (a proxy, a CDN) and the browser's own cache from storing one and handing it to someone
 * else, and `Vary` names the credential headers for any cache that ignores `no-store`.
 */
import type { Plugin } from 'graphql-yoga';

const CREDENTIAL_HEADERS = ['Authorization', 'X-Auth-Token'];

export function usePrivateResponses(graphqlEndpoint: string): Plugin {
  return {
    onResponse({ request, response }) {
      if (new URL(request.url).pathname !== graphqlEndpoint) return;
      if (response.headers.get('content-type')?.startsWith('text/html')) {
        // GraphiQL's page is the same for everyone, and never framed: a page of another site must
        // not trick a click on its Run button (its requests are same-origin: auth/authenticate.ts).
        response.headers.set('x-frame-options', 'DENY');
        response.headers.set('content-security-policy', "frame-ancestors 'none'");
        return;
      }
      response.headers.set('cache-control', 'private, no-store');
      const vary = response.headers.get('vary');
      response.headers.set(
        'vary',
        vary ? `${vary}, ${CREDENTIAL_HEADERS.join(', ')}` : CREDENTIAL_HEADERS.join(', '),
      );
    },
  };
}
