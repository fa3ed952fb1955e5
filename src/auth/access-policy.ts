/**
 * The access policy: which projects and enterprise projects a signed-in principal may read, decided
 * from the claims of its verified sign-in token (groups, roles, subject ...), by a file the
 * operator writes (ACCESS_POLICY_FILE). Default deny: a principal no grant matches reads nothing.
 *
 * ```json
 * { "grants": [
 *   { "when": { "groups": "hss-admins" }, "read": { "*": ["*"] } },
 *   { "when": { "groups": ["team-a", "team-b"] }, "read": { "0a1b...": ["0", "ep-production"] } },
 *   { "when": { "realm_access.roles": "auditor", "email_verified": true }, "read": { "0a1b...": ["*"] } }
 * ] }
 * ```
 * A grant applies when every claim it names matches: the claim (a dotted path reaches into nested
 * claims) equals one of the values listed, or, for a claim that is a list, holds one of them. `read`
 * maps a project id (or `*`, every project) to its enterprise projects: `0` is the default one (what
 * a query without `enterpriseProjectId` reads, as HSS), `*` is every one, `all_granted_eps` included.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { HssError } from '../errors/hss-error.js';

/** HSS's name for every enterprise project the caller is granted; it needs a `*` grant. */
const ALL_GRANTED_EPS = 'all_granted_eps';

/**
 * Whether an enterprise project id means "every one the caller is granted". Read in any case: should
 * HSS read it so, an answer that differs per caller must never be taken for a shared one.
 */
export const isAllGrantedEps = (enterpriseProjectId: string | undefined) =>
  enterpriseProjectId?.toLowerCase() === ALL_GRANTED_EPS;
/** The enterprise project a query without one reads (HSS's default). */
const DEFAULT_ENTERPRISE_PROJECT = '0';
const EVERY = '*';

const claimValue = z.union([z.string(), z.number(), z.boolean()]);
const grant = z.strictObject({
  when: z.record(z.string().min(1).max(200), z.union([claimValue, z.array(claimValue).min(1)])),
  read: z
    .record(
      z.string().regex(/^(\*|[A-Za-z0-9_-]{1,256})$/, { error: 'a project id, or * for every project' }),
      z.array(z.string().min(1).max(256)).min(1),
    )
    .refine((read) => Object.keys(read).length > 0, { error: 'must name at least one project' }),
});
const policyFile = z.strictObject({ grants: z.array(grant) });

type Grant = z.infer<typeof grant>;

/** The policy file could not be used: one line per problem. */
export class AccessPolicyError extends Error {
  override readonly name = 'AccessPolicyError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** What one principal may read: enterprise projects per project (`*`: every one). */
export class ScopeGrants {
  constructor(private readonly projects: ReadonlyMap<string, ReadonlySet<string>>) {}

  /** The grants in a canonical form: two principals with the same one read the same. */
  get canonical(): string {
    const sorted = [...this.projects].map(([project, eps]) => [project, [...eps].sort()] as const);
    return JSON.stringify(sorted.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** Nothing at all: no grant matched. */
  get empty(): boolean {
    return this.projects.size === 0;
  }

  allows(projectId: string, enterpriseProjectId: string | undefined): boolean {
    const wanted = enterpriseProjectId ?? DEFAULT_ENTERPRISE_PROJECT;
    return [this.projects.get(projectId), this.projects.get(EVERY)].some(
      (eps) => eps !== undefined && (eps.has(EVERY) || (!isAllGrantedEps(wanted) && eps.has(wanted))),
    );
  }
}

/** A claim by its dotted path (`realm_access.roles`), or undefined. */
function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function matches(claims: Record<string, unknown>, when: Grant['when']): boolean {
  return Object.entries(when).every(([path, wanted]) => {
    const accepted = Array.isArray(wanted) ? wanted : [wanted];
    const value = claimAt(claims, path);
    const held = Array.isArray(value) ? value : [value];
    return held.some((item) => accepted.includes(item as string | number | boolean));
  });
}

export class AccessPolicy {
  constructor(private readonly grants: readonly Grant[]) {}

  /** Reads and checks the file; every problem is a line of the error. */
  static fromFile(path: string): AccessPolicy {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new AccessPolicyError([`cannot be read: ${(error as Error).message}`]);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new AccessPolicyError([`is not JSON: ${(error as Error).message}`]);
    }
    return AccessPolicy.from(json);
  }

  static from(json: unknown): AccessPolicy {
    const parsed = policyFile.safeParse(json);
    if (!parsed.success) {
      throw new AccessPolicyError(
        parsed.error.issues.map((issue) => `${issue.path.join('.') || '(the file)'}: ${issue.message}`),
      );
    }
    return new AccessPolicy(parsed.data.grants);
  }

  /** The scopes the claims of a verified token may read: the union of every grant that matches. */
  grantsFor(claims: Record<string, unknown>): ScopeGrants {
    const projects = new Map<string, Set<string>>();
    for (const { when, read } of this.grants) {
      if (!matches(claims, when)) continue;
      for (const [project, eps] of Object.entries(read)) {
        const held = projects.get(project) ?? new Set<string>();
        for (const ep of eps) held.add(ep);
        projects.set(project, held);
      }
    }
    return new ScopeGrants(projects);
  }
}

/** What a signed-in principal is told when the policy does not let it read a scope. */
export function policyRefusal(
  projectId: string,
  enterpriseProjectId: string | undefined,
  grants: ScopeGrants,
): HssError {
  const scope =
    enterpriseProjectId === undefined
      ? `project ${projectId} (its default enterprise project, 0)`
      : `project ${projectId}, enterprise project ${enterpriseProjectId}`;
  const why = grants.empty
    ? 'no grant of the access policy matches your sign-in token'
    : isAllGrantedEps(enterpriseProjectId)
      ? 'all_granted_eps needs a grant of every enterprise project (*) of the project; name one you are granted instead'
      : 'the access policy grants you other scopes';
  return new HssError('FORBIDDEN', `You may not read ${scope}: ${why}.`, { reason: 'POLICY' });
}
