/**
 * Credentials HSS refused (401) get nothing for a minute: no call, and nothing from any cache, not
 * even blocks they were once given. A caller's IAM token is refused everywhere (and for good by the
 * verifier that hears of it, auth/iam-tokens.ts); the service identity only for the project HSS
 * refused it in, since anyone may ask it for any project id, and a refusal there must not lock the
 * gateway's own project; and its operator may fix it, so it is asked again after the minute.
 * Identities (digests), never tokens, are remembered; the memory is bounded.
 */
import { LRUCache } from 'lru-cache';
import type { Credentials } from '../credentials/credentials.js';
import { HssError } from '../errors/hss-error.js';

/** How long a refusal is remembered. */
const REFUSAL_MEMORY_MS = 60_000;
const MAX_REMEMBERED = 10_000;

export interface CredentialScreenOptions {
  now: () => number;
  /** Told when HSS refuses credentials here: the token verifier, and the other replicas of a fleet. */
  onRefused?: (identity: string, projectId: string | undefined) => void;
}

/** What a refusal is remembered under: credentials everywhere, or in one project. */
const keyOf = (identity: string, projectId: string | undefined) =>
  projectId === undefined ? identity : `${identity} ${projectId}`;

export class CredentialScreen {
  private readonly refused = new LRUCache<string, number>({ max: MAX_REMEMBERED });

  constructor(private readonly options: CredentialScreenOptions) {}

  /**
   * Refuses, before any cache or call, credentials HSS refused less than a minute ago: everywhere,
   * or (with `projectId`) in that project.
   */
  recentRefusal(identity: string, projectId?: string): HssError | undefined {
    const keys = projectId === undefined ? [identity] : [identity, keyOf(identity, projectId)];
    for (const key of keys) {
      const refusedAt = this.refused.get(key);
      if (refusedAt === undefined) continue;
      const wait = refusedAt + REFUSAL_MEMORY_MS - this.options.now();
      if (wait <= 0) {
        this.refused.delete(key);
        continue;
      }
      return new HssError(
        'UNAUTHENTICATED',
        `HSS refused these credentials less than a minute ago; the gateway asks again in ${Math.ceil(wait / 1000)} s.`,
      );
    }
    return undefined;
  }

  /** HSS refused these credentials (here, or on another replica): refused for a minute. */
  refusedElsewhere(identity: string, projectId?: string): void {
    this.refused.set(keyOf(identity, projectId), this.options.now());
  }

  /** Hears how HSS answered a call made with these credentials for a project. */
  onAnswer(credentials: Credentials, identity: string, projectId: string, error: unknown): void {
    // An IAM provider replaces a refused token itself: its identity stays usable.
    if (credentials.kind === 'iam') return;
    if (error instanceof HssError && error.code === 'UNAUTHENTICATED' && error.upstream) {
      const where = credentials.kind === 'token' && credentials.source === 'caller' ? undefined : projectId;
      this.refusedElsewhere(identity, where);
      this.options.onRefused?.(identity, where);
    }
  }
}
