/**
 * HSS's documented error answers (see docs/upstream.md) and the contract code each must become:
 * the mapping's unit test and the end-to-end error tests read the same table.
 */
export const UPSTREAM_ERRORS: readonly (readonly [status: number, errorCode: string, code: string])[] = [
  [400, 'HSS.0001', 'BAD_USER_INPUT'],
  [400, 'HSS.0002', 'BAD_USER_INPUT'],
  [400, 'HSS.0011', 'BAD_USER_INPUT'],
  [400, 'HSS.0010', 'FORBIDDEN'],
  [403, 'HSS.0013', 'FORBIDDEN'],
  [403, 'APIGW.0302', 'FORBIDDEN'],
  [401, 'APIGW.0301', 'UNAUTHENTICATED'],
  [401, 'APIGW.0303', 'UNAUTHENTICATED'],
  [429, 'APIGW.0308', 'RATE_LIMITED'],
  [404, 'APIGW.0101', 'UPSTREAM_ERROR'],
  [500, 'HSS.1001', 'UPSTREAM_ERROR'],
  [502, 'APIGW.0201', 'UPSTREAM_ERROR'],
  [503, 'APIGW.0201', 'UPSTREAM_ERROR'],
  [504, 'APIGW.0201', 'UPSTREAM_ERROR'],
];
