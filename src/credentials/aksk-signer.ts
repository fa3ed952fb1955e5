/**
 * SDK-HMAC-SHA256, the AK/SK request signature of Huawei Cloud's API gateway, built exactly as the
 * vendor's SDKs build it. The emulator verifies with the same canonical form, computed from the
 * request it received.
 */
import { createHash, createHmac } from 'node:crypto';

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;

/**
 * Escapes as Huawei's signer does: every byte but `A-Z a-z 0-9 - _ . ~` becomes `%XX`, a space is
 * `%20` (never `+`). Sending exactly what will be signed keeps the signature and the request equal.
 */
export function escapeUriComponent(value: string): string {
  // Most values (names, numbers, ids) need nothing escaped: every block key is built from them.
  if (UNRESERVED.test(value)) return value;
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** A permanent access key, or a temporary one with its security token. */
export interface AccessKeyPair {
  accessKey: string;
  secretKey: string;
  securityToken?: string;
}

/** What is signed: method, path as sent, decoded query parameters, the headers to sign, the body. */
export interface SignableRequest {
  method: string;
  /** The request path exactly as it goes on the wire (already escaped). */
  path: string;
  /** Query parameters, unescaped. */
  query: readonly (readonly [string, string])[];
  /** Headers to sign, e.g. `host` and `x-project-id`; names in any case. */
  headers: Readonly<Record<string, string>>;
  body?: string | Buffer;
}

/** `YYYYMMDDTHHMMSSZ` in UTC, as `X-Sdk-Date` carries it. */
export function formatSdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** `20261127T171750Z` back to a Date, or undefined when it is not that format. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const date = new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** Each path segment escaped, joined, with a trailing `/` (only in the signed form). */
export function canonicalUri(path: string): string {
  const uri = path.split('/').map(escapeUriComponent).join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/** Keys sorted, repeated keys sorted by value, `escape(k)=escape(v)` joined by `&`. */
export function canonicalQuery(query: readonly (readonly [string, string])[]): string {
  return query
    .map(([k, v]) => [escapeUriComponent(k), escapeUriComponent(v)] as const)
    .sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/**
 * The canonical request and the signed-headers list.
 * @param headers exactly the headers to sign (X-Sdk-Date among them)
 */
export function canonicalRequest(request: SignableRequest): { canonical: string; signedHeaders: string } {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const signedHeaders = headers.map(([name]) => name).join(';');
  const canonical = [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    canonicalQuery(request.query),
    headers.map(([name, value]) => `${name}:${value}\n`).join(''),
    signedHeaders,
    request.body === undefined || request.body.length === 0 ? EMPTY_BODY_SHA256 : sha256Hex(request.body),
  ].join('\n');
  return { canonical, signedHeaders };
}

/** `hex(HMAC-SHA256(SK, "SDK-HMAC-SHA256\n{date}\n{hex(sha256(canonical))}"))`. */
export function signature(secretKey: string, sdkDate: string, canonical: string): string {
  const stringToSign = `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonical)}`;
  return createHmac('sha256', secretKey).update(stringToSign).digest('hex');
}

/**
 * Signs a request: answers the headers to send beside `request.headers`: `X-Sdk-Date`,
 * `Authorization` and, for temporary keys, `X-Security-Token` (signed too).
 */
export function signRequest(
  request: SignableRequest,
  keys: AccessKeyPair,
  now: Date = new Date(),
): Record<string, string> {
  const added: Record<string, string> = { 'X-Sdk-Date': formatSdkDate(now) };
  if (keys.securityToken) added['X-Security-Token'] = keys.securityToken;
  const { canonical, signedHeaders } = canonicalRequest({
    ...request,
    headers: { ...request.headers, ...added },
  });
  const sig = signature(keys.secretKey, added['X-Sdk-Date'] as string, canonical);
  added.Authorization = `${SIGNING_ALGORITHM} Access=${keys.accessKey}, SignedHeaders=${signedHeaders}, Signature=${sig}`;
  return added;
}
