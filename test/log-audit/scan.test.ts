/** The audit that runs after the whole test run (global-teardown.js) finds what it must find. */
const { findLeaks } = require('./scan.js') as { findLeaks(lines: string[]): { what: string }[] };

describe('the log audit', () => {
  it.each([
    ['a test secret', '{"password":"hunter2-SECRET"}'],
    ['an IAM-issued token', '{"token":"MIIEmulatorAbCd"}'],
    [
      'an AK/SK signature',
      `Authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=${'ab'.repeat(32)}`,
    ],
    ['the demo token', 'x-auth-token: demo-token-for-the-embedded-hss-emulator'],
    [
      'a sign-in token (JWT)',
      'authorization: Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLWEtand0LXRva2Vu',
    ],
  ])('finds %s', (what, line) => {
    expect(findLeaks(['{"msg":"fine"}', line])).toEqual([{ what, line }]);
  });

  it('passes clean lines', () => {
    expect(
      findLeaks(['{"msg":"HSS call","status":200,"query":"limit=10"}', '{"token":"[redacted]"}']),
    ).toEqual([]);
  });
});
