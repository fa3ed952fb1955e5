/**
 * What browsers on other origins may send and read. Same-origin only unless `CORS_ORIGINS` names
 * the frontends; then every header the docs tell teams to send is allowed, and every header an
 * answer carries for them to act on is readable from script.
 */
import type { CORSOptions } from 'graphql-yoga';

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

export function corsOptions(origins: readonly string[]): CORSOptions | false {
  if (origins.length === 0) return false;
  const anyOrigin = origins.includes('*');
  return {
    origin: anyOrigin ? '*' : [...origins],
    // Credentials (cookies) only to named origins: `*` with credentials is refused by browsers.
    credentials: !anyOrigin,
    allowedHeaders: [...ALLOWED_REQUEST_HEADERS],
    exposedHeaders: [...EXPOSED_RESPONSE_HEADERS],
    methods: ['GET', 'POST'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  };
}
