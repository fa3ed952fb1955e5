/**
 * What browsers on other origins may send and read. Same-origin only unless `CORS_ORIGINS` names
 * the frontends; then every header the docs tell teams to send is allowed, and every header an
 * answer carries for them to act on is readable from script.
 */
import type { CORSOptions, Plugin } from 'graphql-yoga';

/** Request headers a browser may send cross-origin (preflighted). */
const ALLOWED_REQUEST_HEADERS = [
  'content-type',
  // Caller credentials: an IAM token, either way the docs show.
  'authorization',
  'x-auth-token',
  // Correlation: our own id and W3C trace context, so a browser's trace continues here.
  'x-request-id',
  'traceparent',
  'tracestate',
  'baggage',
  // Apollo Client's and Apollo Studio's client awareness, sent by Apollo Client when configured.
  'apollographql-client-name',
  'apollographql-client-version',
  // CSRF: the headers that prove a request was preflighted (see use-csrf-check.ts).
  'apollo-require-preflight',
  'x-graphql-yoga-csrf',
] as const;

/**
 * Response headers script may read: the request id to quote in a bug report, and Retry-After, so
 * a dashboard told RATE_LIMITED can wait exactly as long as asked.
 */
const EXPOSED_RESPONSE_HEADERS = ['x-request-id', 'retry-after'] as const;

// Browsers cache a preflight this long (Chromium caps it at 2 hours); fewer round trips per page.
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * The CORS answer for a request, by its Origin: the origin itself when it is listed (and so with
 * credentials), any origin with `*` (without credentials), and nothing at all for any other origin,
 * `null` included: yoga's own list handling would answer an unlisted origin `null` with
 * credentials, which a sandboxed iframe (whose origin is `null`) could then read.
 */
export function corsOptions(origins: readonly string[]): false | ((request: Request) => CORSOptions | false) {
  if (origins.length === 0) return false;
  const anyOrigin = origins.includes('*');
  const listed = new Set(origins);
  const common = {
    allowedHeaders: [...ALLOWED_REQUEST_HEADERS],
    exposedHeaders: [...EXPOSED_RESPONSE_HEADERS],
    methods: ['GET', 'POST'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  };
  return (request) => {
    const origin = request.headers.get('origin');
    if (origin === null) return false;
    // `*`: the origin is echoed (yoga adds Vary: Origin then), never with credentials.
    if (anyOrigin) return { ...common, origin: ['*'], credentials: false };
    return listed.has(origin) ? { ...common, origin, credentials: true } : false;
  };
}

/**
 * Answers to named origins differ by Origin: an HTTP cache between the browser and the gateway must
 * not hand one origin's answer (with its Access-Control-Allow-Origin) to another.
 */
export function useVaryOnOrigin(): Plugin {
  return {
    onResponse({ response }) {
      const vary = response.headers.get('vary');
      if (!vary?.split(',').some((name) => name.trim().toLowerCase() === 'origin')) {
        response.headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
      }
    },
  };
}
