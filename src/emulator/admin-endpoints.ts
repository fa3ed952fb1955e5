/**
 * The emulator's endpoints beside HSS's and IAM's: its identity provider (discovery and keys for
 * anyone; a demo user's sign-in and a key rotation for loopback callers), and its faults (loopback
 * callers only: GET, PUT, DELETE).
 */
import type { IncomingMessage } from 'node:http';
import type { Answer } from './deliver.js';
import { type FaultInjector, parseFaultSettings } from './faults.js';
import type { EmulatedIdentityProvider } from './identity-provider.js';

const OIDC_DISCOVERY = '/.well-known/openid-configuration';
const OIDC_JWKS = '/.well-known/jwks.json';
const ADMIN_SIGN_IN = '/__emulator/sign-in';
const ADMIN_ROTATE_KEY = '/__emulator/signing-key/rotate';

export function isLoopback(address: string | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/**
 * The identity provider: its discovery document and keys for anyone, and (loopback only, as
 * the admin endpoints) a sign-in for a demo user and a key rotation.
 */
export function identityAnswer(
  provider: EmulatedIdentityProvider,
  issuer: string,
  req: IncomingMessage,
  path: string,
  body: string,
): Answer | undefined {
  if (path === OIDC_DISCOVERY) return { status: 200, headers: {}, body: provider.discovery(issuer) };
  if (path === OIDC_JWKS) return { status: 200, headers: {}, body: provider.jwks() };
  if (path !== ADMIN_SIGN_IN && path !== ADMIN_ROTATE_KEY) return undefined;
  if (!isLoopback(req.socket.remoteAddress))
    return { status: 403, headers: {}, body: { error: 'loopback callers only' } };
  if (req.method !== 'POST') return { status: 405, headers: {}, body: { error: 'use POST' } };
  if (path === ADMIN_ROTATE_KEY) {
    provider.rotate();
    return { status: 200, headers: {}, body: provider.jwks() };
  }
  let asked: unknown;
  try {
    asked = JSON.parse(body || '{}');
  } catch {
    return { status: 400, headers: {}, body: { error: 'the body must be JSON: {"user": "alice"}' } };
  }
  const signedIn = provider.signIn(issuer, asked);
  return signedIn.ok
    ? { status: 200, headers: {}, body: signedIn.body }
    : { status: 400, headers: {}, body: { error: signedIn.message } };
}

/** `/__emulator/faults`: GET the settings, PUT new ones, DELETE to turn faults off. Loopback only. */
export function faultsAnswer(faults: FaultInjector, req: IncomingMessage, body: string): Answer {
  const json = (status: number, value: unknown): Answer => ({ status, headers: {}, body: value });
  if (!isLoopback(req.socket.remoteAddress))
    return json(403, { error: 'the admin endpoint answers loopback callers only' });
  if (req.method === 'GET') return json(200, faults.current);
  if (req.method === 'DELETE') {
    faults.set({});
    return json(200, faults.current);
  }
  if (req.method !== 'PUT') return json(405, { error: 'use GET, PUT or DELETE' });
  const parsed = parseFaultSettings(body);
  if (!parsed.ok) return json(400, { error: parsed.message });
  faults.set(parsed.settings);
  return json(200, faults.current);
}
