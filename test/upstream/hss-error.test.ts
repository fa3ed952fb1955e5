import { hssErrorFromAnswer, hssErrorFromFailure, parseRetryAfter } from '../../src/errors/hss-error.js';
import { UPSTREAM_ERRORS } from '../helpers/upstream-errors.js';

const body = (code: string) => ({
  error_code: code,
  error_msg: `upstream says ${code}`,
  request_id: 'body-id',
});

describe('mapping an upstream error answer to the contract', () => {
  it.each(UPSTREAM_ERRORS)('HTTP %i %s is %s', (status, errorCode, code) => {
    const error = hssErrorFromAnswer(status, body(errorCode), { requestId: 'header-id' });
    expect(error.code).toBe(code);
    expect(error.upstream).toEqual({ status, errorCode, requestId: 'header-id' });
  });

  it('takes the request id from the body when the header has none', () => {
    expect(hssErrorFromAnswer(400, body('HSS.0001'), {}).upstream?.requestId).toBe('body-id');
  });

  it("keeps the upstream's own message out of the client message, for logs only", () => {
    const error = hssErrorFromAnswer(400, body('HSS.0001'), {});
    expect(error.message).not.toContain('upstream says');
    expect(error.upstreamMessage).toBe('upstream says HSS.0001');
  });

  it('an error answer with a body that is not JSON still maps by status', () => {
    expect(hssErrorFromAnswer(502, undefined, {})).toMatchObject({
      code: 'UPSTREAM_ERROR',
      upstream: { status: 502, errorCode: null, requestId: null },
    });
  });

  it('429 carries Retry-After in seconds, and a minute when HSS names none', () => {
    expect(hssErrorFromAnswer(429, {}, { retryAfter: '7' }).retryAfter).toBe(7);
    expect(hssErrorFromAnswer(429, {}, {}).retryAfter).toBe(60);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Fri, 27 Nov 2026 12:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('is clamped to an hour, however far off the upstream says', () => {
    const now = Date.parse('2026-11-27T12:00:00Z');
    expect(parseRetryAfter('86400', now)).toBe(3600);
    expect(parseRetryAfter('Fri, 04 Dec 2026 12:00:00 GMT', now)).toBe(3600);
  });
});

describe('no answer at all', () => {
  it('is UPSTREAM_UNAVAILABLE, naming a timeout as such', () => {
    expect(
      hssErrorFromFailure(Object.assign(new Error('x'), { code: 'UND_ERR_HEADERS_TIMEOUT' })).message,
    ).toBe('HSS timed out.');
    const refused = hssErrorFromFailure(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
    expect(refused).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', message: 'HSS could not be reached.' });
    expect(refused.upstream).toBeUndefined();
  });

  it('a request the gateway could not form is named so: it was never sent', () => {
    const invalid = hssErrorFromFailure(
      Object.assign(new TypeError('bad header'), { code: 'UND_ERR_INVALID_ARG' }),
    );
    expect(invalid).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', failure: 'not-sent' });
  });
});
