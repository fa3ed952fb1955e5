/**
 * What the configuration must not say beyond each variable's own syntax: an upstream URL that would
 * leak credentials, and credentials or switches that contradict each other. Each rule yields one
 * problem on the variable to change; config.ts turns problems into lines.
 */

export interface Problem {
  variable: string;
  message: string;
  /** The value is beside the point (a conflict): the line says `(set)` instead of showing it. */
  setOnly?: true;
}

import { isLoopbackHost, parseUrl } from './urls.js';

type Flag = 'true' | 'false';

/** The parsed variables the rules read (defaults applied). */
export interface RuleInputs {
  HSS_ENDPOINT?: string | undefined;
  HSS_REGION?: string | undefined;
  IAM_ENDPOINT?: string | undefined;
  HSS_AUTH_TOKEN?: string | undefined;
  HSS_ACCESS_KEY?: string | undefined;
  HSS_SECRET_KEY?: string | undefined;
  HSS_SECURITY_TOKEN?: string | undefined;
  IAM_DOMAIN_NAME?: string | undefined;
  IAM_USERNAME?: string | undefined;
  IAM_PASSWORD?: string | undefined;
  HSS_ALLOW_CALLER_TOKEN: Flag;
  HSS_REQUIRE_CALLER_TOKEN?: Flag | undefined;
  HSS_ALLOW_INSECURE_HTTP: Flag;
  OIDC_ISSUER?: string | undefined;
  OIDC_AUDIENCE?: string | undefined;
  OIDC_JWKS_URL?: string | undefined;
  ACCESS_POLICY_FILE?: string | undefined;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_HEADERS_TIMEOUT_MS: number;
}
type Variable = keyof RuleInputs;

/**
 * With HSS_ENDPOINT set, some credential always travels to it: callers' tokens (passed through by
 * default), or the service identity (without either no request could authenticate, which is
 * refused too). IAM_ENDPOINT is only used to send the IAM password. So plain http to a host other
 * than this machine is refused outright, unless the operator says they know (an encrypting sidecar).
 */
function insecureHttp(e: RuleInputs): Problem[] {
  if (e.HSS_ALLOW_INSECURE_HTTP === 'true') return [];
  const plain = (name: 'HSS_ENDPOINT' | 'IAM_ENDPOINT' | 'OIDC_ISSUER' | 'OIDC_JWKS_URL') => {
    const url = parseUrl(e[name]);
    return url?.protocol === 'http:' && !isLoopbackHost(url.hostname);
  };
  const credentials = (['HSS_ENDPOINT', 'IAM_ENDPOINT'] as const).filter(plain).map((variable) => ({
    variable,
    message:
      'must use https:// for a host other than localhost, 127.0.0.0/8 or ::1: credentials would travel in clear text (HSS_ALLOW_INSECURE_HTTP=true allows it)',
  }));
  // The keys sign-in tokens are checked with: whoever can change them in transit can sign in as anyone.
  const keys = (['OIDC_ISSUER', 'OIDC_JWKS_URL'] as const).filter(plain).map((variable) => ({
    variable,
    message:
      'must use https:// for a host other than localhost, 127.0.0.0/8 or ::1: whoever can change the identity provider`s keys in transit could sign in as anyone (HSS_ALLOW_INSECURE_HTTP=true allows it)',
  }));
  return [...credentials, ...keys];
}

/** The service identities in the old order of precedence; the security token and IAM endpoint have rules of their own. */
const IDENTITIES: readonly { label: string; variables: readonly Variable[] }[] = [
  { label: 'HSS_AUTH_TOKEN', variables: ['HSS_AUTH_TOKEN'] },
  { label: 'HSS_ACCESS_KEY/HSS_SECRET_KEY', variables: ['HSS_ACCESS_KEY', 'HSS_SECRET_KEY'] },
  { label: 'IAM_*', variables: ['IAM_USERNAME', 'IAM_DOMAIN_NAME', 'IAM_PASSWORD'] },
];

/**
 * Several identities at once used to be settled silently by precedence, so a forgotten variable
 * decided who the gateway was. Now each one besides the first is a problem, naming the one that
 * would have won (the first complete one).
 */
function severalIdentities(e: RuleInputs): Problem[] {
  const configured = IDENTITIES.filter((id) => id.variables.some((v) => e[v] !== undefined));
  const [first, ...others] = configured;
  if (!first) return [];
  const winner = configured.find((id) => id.variables.every((v) => e[v] !== undefined));
  const wins = winner ? ` (${winner.label} would win)` : '';
  return others.map((other) => ({
    variable: other.variables.find((v) => e[v] !== undefined) ?? other.label,
    message: `conflicts with ${first.label}: configure one service identity${wins}; unset the other`,
    setOnly: true,
  }));
}

/** Half a credential is a mistake, never a reason to fall back silently to another one. */
function partialCredentials(e: RuleInputs): Problem[] {
  const requireTogether = (names: readonly Variable[], because: string): Problem[] => {
    const given = names.filter((n) => e[n] !== undefined);
    if (given.length === 0 || given.length === names.length) return [];
    return names
      .filter((n) => e[n] === undefined)
      .map((missing) => ({
        variable: missing,
        message: `must be set: ${because} (${given.join(', ')} is set)`,
      }));
  };
  const problems = [
    ...requireTogether(['HSS_ACCESS_KEY', 'HSS_SECRET_KEY'], 'AK/SK signing needs both keys'),
    ...requireTogether(
      ['IAM_DOMAIN_NAME', 'IAM_USERNAME', 'IAM_PASSWORD'],
      'an IAM password login needs domain, user and password',
    ),
  ];
  if (e.HSS_SECURITY_TOKEN !== undefined && e.HSS_ACCESS_KEY === undefined) {
    problems.push({
      variable: 'HSS_SECURITY_TOKEN',
      message: 'is only used with temporary AK/SK: set HSS_ACCESS_KEY and HSS_SECRET_KEY too',
    });
  }
  return problems;
}

/** Switches about callers' tokens that leave no request able to authenticate, or contradict each other. */
function callerTokenSwitches(e: RuleInputs): Problem[] {
  const problems: Problem[] = [];
  const noIdentity = IDENTITIES.every((id) => id.variables.every((v) => e[v] === undefined));
  // In emulator mode (no endpoint, no region) the demo token is the identity.
  const realUpstream = e.HSS_ENDPOINT !== undefined || e.HSS_REGION !== undefined;
  if (e.HSS_ALLOW_CALLER_TOKEN === 'false' && noIdentity && realUpstream) {
    problems.push({
      variable: 'HSS_ALLOW_CALLER_TOKEN',
      message:
        "leaves no way to authenticate: callers' tokens are ignored and no service identity is configured (HSS_AUTH_TOKEN, HSS_ACCESS_KEY/HSS_SECRET_KEY or IAM_*)",
    });
  }
  if (
    e.HSS_REQUIRE_CALLER_TOKEN === 'true' &&
    e.HSS_ALLOW_CALLER_TOKEN === 'false' &&
    e.OIDC_ISSUER === undefined
  ) {
    problems.push({
      variable: 'HSS_REQUIRE_CALLER_TOKEN',
      message:
        "contradicts HSS_ALLOW_CALLER_TOKEN=false: a caller's token cannot be required and ignored (unless callers sign in: OIDC_ISSUER)",
    });
  }
  return problems;
}

/** Company sign-in: what it needs, and the variables that mean nothing without it. */
function signIn(e: RuleInputs): Problem[] {
  const problems: Problem[] = [];
  const realUpstream = e.HSS_ENDPOINT !== undefined || e.HSS_REGION !== undefined;
  if (e.OIDC_ISSUER === undefined) {
    for (const variable of ['OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'ACCESS_POLICY_FILE'] as const) {
      if (e[variable] !== undefined) {
        problems.push({ variable, message: 'is only used with company sign-in: set OIDC_ISSUER too' });
      }
    }
    return problems;
  }
  if (e.OIDC_ISSUER === 'embedded') {
    if (realUpstream) {
      problems.push({
        variable: 'OIDC_ISSUER',
        message:
          'embedded names the embedded emulator as the identity provider, which runs only without HSS_ENDPOINT and HSS_REGION: give your provider`s issuer URL',
      });
    }
    return problems;
  }
  if (e.OIDC_AUDIENCE === undefined) {
    problems.push({
      variable: 'OIDC_AUDIENCE',
      message:
        'must be set with OIDC_ISSUER: the audience (aud) your provider issues tokens for this gateway with',
    });
  }
  if (e.ACCESS_POLICY_FILE === undefined) {
    problems.push({
      variable: 'ACCESS_POLICY_FILE',
      message:
        'must be set with OIDC_ISSUER: the access policy that says which projects signed-in users may read (none is granted by default)',
    });
  }
  const noIdentity = IDENTITIES.every((id) => id.variables.every((v) => e[v] === undefined));
  if (noIdentity && realUpstream) {
    problems.push({
      variable: 'OIDC_ISSUER',
      message:
        'needs a service identity: signed-in users read HSS as the gateway (HSS_AUTH_TOKEN, HSS_ACCESS_KEY/HSS_SECRET_KEY or IAM_*)',
      setOnly: true,
    });
  }
  return problems;
}

/** Node's HTTP server refuses a headers timeout longer than the request timeout: the headers are part of the request. */
function httpTimeouts(e: RuleInputs): Problem[] {
  if (e.HTTP_HEADERS_TIMEOUT_MS <= e.HTTP_REQUEST_TIMEOUT_MS) return [];
  return [
    {
      variable: 'HTTP_HEADERS_TIMEOUT_MS',
      message: `must be at most HTTP_REQUEST_TIMEOUT_MS (${e.HTTP_REQUEST_TIMEOUT_MS}): the headers are part of the request (it is ${e.HTTP_HEADERS_TIMEOUT_MS})`,
    },
  ];
}

/** Every problem of the variables taken together, in a stable order. */
export function configurationProblems(e: RuleInputs): Problem[] {
  return [
    ...partialCredentials(e),
    ...severalIdentities(e),
    ...callerTokenSwitches(e),
    ...signIn(e),
    ...insecureHttp(e),
    ...httpTimeouts(e),
  ];
}
