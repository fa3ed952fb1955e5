/**
 * The emulator's AK/SK verifier: recomputes the SDK-HMAC-SHA256 signature from the request as it
 * arrived (raw path, decoded query, the headers the signature names) and compares. Like Huawei's
 * gateway it refuses a date more than 15 minutes off, and locks an access key for a while after
 * five consecutive signature failures.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import {
  type AccessKeyPair,
  canonicalRequest,
  parseSdkDate,
  SIGNING_ALGORITHM,
  signature,
} from '../credentials/aksk-signer.js';

export interface AkSkLockout {
  /** Consecutive signature failures that lock a key. Default 5. */
  failures: number;
  /** How long a locked key stays locked, in milliseconds. Default 5 minutes. */
  lockMs: number;
}

export const DEFAULT_LOCKOUT: AkSkLockout = { failures: 5, lockMs: 5 * 60_000 };
const MAX_CLOCK_SKEW_MS = 15 * 60_000;
const AUTHORIZATION = new RegExp(
  `^${SIGNING_ALGORITHM} Access=([^,\\s]+), ?SignedHeaders=([^,\\s]+), ?Signature=([0-9a-f]{64})$`,
);

export type Verdict =
  | { ok: true; accessKey: string }
  | { ok: false; errorCode: 'APIGW.0301' | 'APIGW.0303'; message: string };

export interface ReceivedRequest {
  method: string;
  /** The request target as received: path and query, still escaped. */
  target: string;
  headers: IncomingHttpHeaders;
  body?: Buffer;
}

const refuse = (message: string, errorCode: 'APIGW.0301' | 'APIGW.0303' = 'APIGW.0301'): Verdict => ({
  ok: false,
  errorCode,
  message: `Incorrect IAM authentication information: ${message}`,
});

function decodedQuery(rawQuery: string): [string, string][] | undefined {
  if (rawQuery === '') return [];
  try {
    return rawQuery.split('&').map((pair) => {
      const at = pair.indexOf('=');
      const [k, v] = at < 0 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
      return [decodeURIComponent(k), decodeURIComponent(v)];
    });
  } catch {
    return undefined;
  }
}

export class AkSkVerifier {
  private readonly keys = new Map<string, AccessKeyPair>();
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(
    keys: Iterable<AccessKeyPair>,
    private readonly lockout: AkSkLockout,
    private readonly now: () => number,
  ) {
    for (const key of keys) this.keys.set(key.accessKey, key);
  }

  verify(request: ReceivedRequest, authorization: string): Verdict {
    const parts = AUTHORIZATION.exec(authorization);
    if (!parts) return refuse('the Authorization header is not an SDK-HMAC-SHA256 signature');
    const [, accessKey = '', signedHeaderList = '', given = ''] = parts;
    const key = this.keys.get(accessKey);
    if (!key) return refuse('the access key does not exist');
    const state = this.failures.get(accessKey);
    const now = this.now();
    if (state && state.lockedUntil > now) {
      return refuse(
        `the access key is locked for ${Math.ceil((state.lockedUntil - now) / 1000)} s after repeated signature failures`,
      );
    }

    const signed = signedHeaderList.split(';');
    const sdkDate = request.headers['x-sdk-date'];
    const date = typeof sdkDate === 'string' ? parseSdkDate(sdkDate) : undefined;
    if (!date || !signed.includes('x-sdk-date'))
      return this.failed(accessKey, 'X-Sdk-Date is missing, malformed or not signed');
    if (Math.abs(now - date.getTime()) > MAX_CLOCK_SKEW_MS) {
      return refuse('X-Sdk-Date is more than 15 minutes off the gateway clock', 'APIGW.0303');
    }
    if (key.securityToken !== undefined) {
      if (request.headers['x-security-token'] !== key.securityToken || !signed.includes('x-security-token')) {
        return this.failed(accessKey, 'a temporary access key needs its signed X-Security-Token');
      }
    }
    const headers: Record<string, string> = {};
    for (const name of signed) {
      const value = request.headers[name];
      if (value === undefined) return this.failed(accessKey, `signed header ${name} is missing`);
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const at = request.target.indexOf('?');
    const query = decodedQuery(at < 0 ? '' : request.target.slice(at + 1));
    if (!query) return this.failed(accessKey, 'the query string is not valid percent-encoding');
    const { canonical } = canonicalRequest({
      method: request.method,
      path: at < 0 ? request.target : request.target.slice(0, at),
      query,
      headers,
      body: request.body,
    });
    const expected = Buffer.from(signature(key.secretKey, sdkDate as string, canonical));
    if (!timingSafeEqual(expected, Buffer.from(given)))
      return this.failed(accessKey, 'verify aksk signature fail');
    this.failures.delete(accessKey);
    return { ok: true, accessKey };
  }

  private failed(accessKey: string, message: string): Verdict {
    const state = this.failures.get(accessKey) ?? { count: 0, lockedUntil: 0 };
    state.count++;
    if (state.count >= this.lockout.failures) {
      state.lockedUntil = this.now() + this.lockout.lockMs;
      state.count = 0;
    }
    this.failures.set(accessKey, state);
    return refuse(message);
  }
}
