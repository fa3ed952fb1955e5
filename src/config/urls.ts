/** Upstream URLs as the configuration may give them: what must not be in one, and how one is logged. */

// An `@` before the end of the authority: userinfo, even where the URL parser would not call it so.
const USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\\]*@/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const LOOPBACK_IPV4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * `scheme://user:pass@host/…` as `scheme://***@host/…`. Everything up to the last `@` goes: a
 * password may hold `/`, `?`, `#` or `@`, and a value being refused may not parse as a URL at all.
 */
export function withoutUserinfo(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  return `${SCHEME.exec(value)?.[0] ?? ''}***${value.slice(at)}`;
}

/** localhost, 127.0.0.0/8 or ::1, as the URL parser spells a host (it rewrites `127.1` and `[0::1]`). */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_IPV4.test(hostname);
}

/**
 * What is wrong with an upstream base URL by itself (HSS_ENDPOINT, IAM_ENDPOINT). Userinfo would be
 * a password in a variable that is logged and echoed; a query or fragment would swallow the API
 * paths the clients append to the base.
 */
export function upstreamUrlProblems(value: string): string[] {
  const problems: string[] = [];
  if (USERINFO.test(value)) {
    problems.push(
      'must not carry a user or password (user:password@): configure credentials with HSS_AUTH_TOKEN, HSS_ACCESS_KEY/HSS_SECRET_KEY or IAM_*',
    );
  }
  if (/[?#]/.test(value)) {
    problems.push(
      'must not carry a query string or fragment: API paths are appended to it (a path prefix is allowed)',
    );
  }
  return problems;
}

/** The URL a value names, if it parses as one. */
export function parseUrl(value: string | undefined): URL | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
