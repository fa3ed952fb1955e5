/**
 * The signer reproduces the published test vectors and agrees with the vendor's own Node.js signer
 * (`@huaweicloud/huaweicloud-sdk-core`, an independent implementation) on realistic requests.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  canonicalQuery,
  canonicalUri,
  formatSdkDate,
  parseSdkDate,
  signRequest,
} from '../../src/credentials/aksk-signer.js';
import {
  formatQueryString,
  portStatisticsParameters,
  portStatisticsPath,
} from '../../src/upstream/query-string.js';

const VECTOR_KEYS = { accessKey: 'AccessKey', secretKey: 'SecretKey' };
const VECTOR_DATE = new Date('2006-01-02T15:04:05Z');
const signatureOf = (authorization: string | undefined) =>
  /Signature=([0-9a-f]+)$/.exec(authorization ?? '')?.[1];

describe('the published test vectors', () => {
  it('GET /path?limit=1, empty body', () => {
    const headers = signRequest(
      { method: 'GET', path: '/path', query: [['limit', '1']], headers: {} },
      VECTOR_KEYS,
      VECTOR_DATE,
    );
    expect(headers['X-Sdk-Date']).toBe('20060102T150405Z');
    expect(headers.Authorization).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624',
    );
  });

  it('POST /path?key=value with a JSON body and a newline', () => {
    const headers = signRequest(
      {
        method: 'POST',
        path: '/path',
        query: [['key', 'value']],
        headers: {},
        body: '{"Name":"test","Id":1}\n',
      },
      VECTOR_KEYS,
      VECTOR_DATE,
    );
    expect(signatureOf(headers.Authorization)).toBe(
      'cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59',
    );
  });
});

describe('the canonical form', () => {
  it('escapes as Huawei does: unreserved bytes kept, space as %20, UTF-8 bytes upper-case', () => {
    expect(
      canonicalQuery([
        ['b', 'a b~c%d/é'],
        ['a', '1'],
      ]),
    ).toBe('a=1&b=a%20b~c%25d%2F%C3%A9');
  });
  it('sorts repeated keys by value', () => {
    expect(
      canonicalQuery([
        ['k', 'b'],
        ['k', 'a'],
        ['j', 'z'],
      ]),
    ).toBe('j=z&k=a&k=b');
  });
  it('appends / to the path only in the signed form', () => {
    expect(canonicalUri('/v5/p/asset/port/statistics')).toBe('/v5/p/asset/port/statistics/');
    expect(canonicalUri('/')).toBe('/');
  });
  it('formats and reads X-Sdk-Date', () => {
    expect(formatSdkDate(new Date('2026-11-27T17:17:50.123Z'))).toBe('20261127T171750Z');
    expect(parseSdkDate('20261127T171750Z')?.toISOString()).toBe('2026-11-27T17:17:50.000Z');
    expect(parseSdkDate('2026-11-27T17:17:50Z')).toBeUndefined();
  });
  it('signs X-Security-Token for temporary keys', () => {
    const headers = signRequest(
      { method: 'GET', path: '/p', query: [], headers: { host: 'h' } },
      { ...VECTOR_KEYS, securityToken: 'sts-token' },
      VECTOR_DATE,
    );
    expect(headers['X-Security-Token']).toBe('sts-token');
    expect(headers.Authorization).toContain('SignedHeaders=host;x-sdk-date;x-security-token,');
  });
});

describe('agreement with the vendor SDK signer', () => {
  // The SDK writes ~/.huaweicloud when loaded: keep it out of the real home.
  let sdkSign: (request: Record<string, unknown>, ak: string, sk: string) => Record<string, string>;
  beforeAll(() => {
    process.env.HOME = mkdtempSync(join(tmpdir(), 'hss-sdk-home-'));
    const { AKSKSigner } = require('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as {
      AKSKSigner: { sign(request: unknown, credential: unknown): Record<string, string> };
    };
    sdkSign = (request, ak, sk) => AKSKSigner.sign(request, { getAk: () => ak, getSk: () => sk });
  });

  const cases: [string, string, Record<string, unknown>][] = [
    ['no parameters', 'https://hss.ap-southeast-1.myhuaweicloud.com', {}],
    [
      'every query parameter',
      'https://hss.ap-southeast-1.myhuaweicloud.com',
      {
        enterpriseProjectId: 'all_granted_eps',
        category: 'CONTAINER',
        port: 443,
        portString: '44',
        type: 'TCP6',
        status: 'UNKNOWN',
        sortKey: 'PORT',
        sortDirection: 'DESC',
        limit: 200,
        offset: 1_999_800,
      },
    ],
    [
      'spaces, ~, % and non-ASCII',
      'https://hss.cn-north-4.myhuaweicloud.com',
      { enterpriseProjectId: 'a b~c%d é 漢字 😀' },
    ],
    ['a port in the host', 'http://127.0.0.1:8443', { category: 'HOST', limit: 10 }],
  ];

  it.each(cases)('%s', (_label, endpoint, query) => {
    const projectId = '0a1b2c3d4e5f40718293a4b5c6d7e8f9';
    const host = new URL(endpoint).host;
    const path = portStatisticsPath(projectId);
    const parameters = portStatisticsParameters(query);
    const keys = { accessKey: 'HPUAXXXXEXAMPLE', secretKey: 'sk/with+odd=chars' };
    const date = new Date('2026-11-27T17:17:50Z');

    const ours = signRequest(
      { method: 'GET', path, query: parameters, headers: { host, 'x-project-id': projectId } },
      keys,
      date,
    );
    const theirs = sdkSign(
      {
        method: 'GET',
        endpoint: `${endpoint}${path}`,
        headers: { 'X-Sdk-Date': '20261127T171750Z', 'X-Project-Id': projectId },
        queryParams: Object.fromEntries(parameters),
      },
      keys.accessKey,
      keys.secretKey,
    );
    expect(ours.Authorization).toBe(theirs.Authorization);
    // The query string actually sent is the canonical one: what is signed is what goes out.
    expect(formatQueryString(parameters)).toBe(canonicalQuery(parameters));
  });
});
