/**
 * Gives every HTTP request an id: the caller's `x-request-id` when it is a sane one, else a new
 * UUID. The id is echoed in the response header and bound to every log line of the request.
 */
import type { Plugin } from 'graphql-yoga';
import type { GatewayServerContext } from '../request/edge-contract.js';
import { requestIdFor } from '../request/request-id.js';

const ids = new WeakMap<Request, string>();

/** The id the plugin gave this request. */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (id === undefined) {
    id = requestIdFor(request.headers.get('x-request-id'));
    ids.set(request, id);
  }
  return id;
}

/** The id is the one the HTTP handler already gave the request, if it read the request first. */
export function useRequestId(): Plugin<GatewayServerContext, GatewayServerContext> {
  return {
    onRequest({ request, serverContext }) {
      const given = serverContext.edge?.requestId;
      if (given !== undefined) ids.set(request, given);
      else requestIdOf(request);
    },
    onResponse({ request, response }) {
      response.headers.set('x-request-id', requestIdOf(request));
    },
  };
}
