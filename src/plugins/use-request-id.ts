/**
 * Gives every HTTP request an id: the caller's `x-request-id` when it is a sane one, else a new
 * UUID. The id is echoed in the response header and bound to every log line of the request.
 */
import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

export interface RequestIdOptions {
  /** Header read and written. Default `x-request-id`. */
  header?: string;
}

// Anything else (too long, odd characters) is replaced rather than trusted into logs.
const SANE_ID = /^[\w.:-]{1,128}$/;
const ids = new WeakMap<Request, string>();

/** The id the plugin gave this request. */
export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (id === undefined) {
    id = randomUUID();
    ids.set(request, id);
  }
  return id;
}

export function useRequestId(options: RequestIdOptions = {}): Plugin {
  const header = options.header ?? 'x-request-id';
  return {
    onRequest({ request }) {
      const given = request.headers.get(header);
      ids.set(request, given && SANE_ID.test(given) ? given : randomUUID());
    },
    onResponse({ request, response }) {
      response.headers.set(header, requestIdOf(request));
    },
  };
}
