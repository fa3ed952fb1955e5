/**
 * Every `extensions.code` a client can see, in one list: the contract's codes for what HSS answered
 * (mapped in hss-error.ts), for arguments (invalid-argument.ts) and for the operation's cost, and
 * the refusals the gateway makes itself (refusals.ts); besides these, GraphQL's own
 * GRAPHQL_PARSE_FAILED and OPERATION_RESOLUTION_FAILURE.
 */
export type UpstreamErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_UNAVAILABLE';

export type RefusalCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'LENGTH_REQUIRED'
  | 'PERSISTED_QUERY_ONLY'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'GRAPHQL_VALIDATION_FAILED'
  | 'COST_LIMIT_EXCEEDED'
  | 'SERVICE_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';
