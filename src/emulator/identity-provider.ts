/**
 * The emulator as a company's OpenID Connect provider, so sign-in runs on one machine: it publishes
 * its discovery document and its keys (JWKS) as any provider does, and mints signed access tokens
 * (ES256 JWTs) for its demo users through a loopback-only endpoint, in place of a login page. Keys
 * are made at start and can be rotated (the old key stays published, as providers do for a while).
 * Tokens are signed with node:crypto, not with the library that verifies them.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomUUID, sign } from 'node:crypto';

/** A demo user: who signs in, and the groups the access policy reads. */
export interface DemoUser {
  name: string;
  groups: string[];
}

/** The emulator's demo users; the embedded demo's access policy grants by their groups. */
export const DEMO_USERS: readonly DemoUser[] = [
  { name: 'alice', groups: ['hss-admins'] },
  { name: 'bob', groups: ['team-production'] },
  { name: 'carol', groups: [] },
];

/** What a sign-in may ask for; tests use the rest to make tokens a gateway must refuse. */
interface SignInRequest {
  user: string;
  /** Override the user's groups. */
  groups?: string[];
  /** Default: `hss-gateway`. */
  audience?: string;
  /** Default 3600; negative makes an expired token. */
  lifetimeSeconds?: number;
  /** More claims (a provider's roles, say); the registered ones (iss, sub, aud, iat, exp) stay. */
  claims?: Record<string, unknown>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

function newKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const kid = randomUUID();
  return {
    kid,
    privateKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
    publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' },
  };
}

export class EmulatedIdentityProvider {
  private keys: SigningKey[] = [newKey()];

  constructor(
    private readonly users: readonly DemoUser[],
    private readonly now: () => number,
  ) {}

  /** `/.well-known/openid-configuration`, for an emulator reached at `issuer`. */
  discovery(issuer: string): Record<string, unknown> {
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['ES256'],
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
    };
  }

  /** `/.well-known/jwks.json`: every key still published, newest first. */
  jwks(): { keys: Record<string, unknown>[] } {
    return { keys: this.keys.map((key) => key.publicJwk) };
  }

  /** A new signing key; the previous one stays published (tokens it signed still verify). */
  rotate(): void {
    this.keys = [newKey(), ...this.keys].slice(0, 2);
  }

  /** A signed access token for a demo user, or why not. */
  signIn(
    issuer: string,
    request: unknown,
  ): { ok: true; body: Record<string, unknown> } | { ok: false; message: string } {
    const asked = request as Partial<SignInRequest> | null;
    const user = this.users.find((candidate) => candidate.name === asked?.user);
    if (!user) {
      return {
        ok: false,
        message: `no such demo user; the users are ${this.users.map((u) => u.name).join(', ')}`,
      };
    }
    const lifetime = typeof asked?.lifetimeSeconds === 'number' ? asked.lifetimeSeconds : 3600;
    const issuedAt = Math.floor(this.now() / 1000);
    const extra = typeof asked?.claims === 'object' && asked.claims !== null ? asked.claims : {};
    const claims = {
      ...extra,
      iss: issuer,
      sub: user.name,
      aud: typeof asked?.audience === 'string' ? asked.audience : 'hss-gateway',
      iat: issuedAt,
      exp: issuedAt + lifetime,
      preferred_username: user.name,
      groups: Array.isArray(asked?.groups) ? asked.groups.map(String) : user.groups,
    };
    const key = this.keys[0] as SigningKey;
    const signingInput = `${base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: key.kid }))}.${base64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), {
      key: key.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return {
      ok: true,
      body: {
        access_token: `${signingInput}.${base64url(signature)}`,
        token_type: 'Bearer',
        expires_in: lifetime,
      },
    };
  }
}
