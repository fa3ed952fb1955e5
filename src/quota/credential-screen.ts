/**
 * Credentials HSS refused (401) get nothing for a minute: no call, and nothing from any cache, not
 * even pages they were once given. Callers' IAM tokens are refused for good by the verifier that
 * hears of it (auth/iam-tokens.ts); a service identity may be fixed by its operator, so it is asked
 * again after the minute. Identities (digests), never tokens, are remembered; the memory is bounded.
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
  onRefused?: (identity: string) => void;
}

export class CredentialScreen {
  private readonly refused = new LRUCache<string, number>({ max: MAX_REMEMBERED });

  constructor(private readonly options: CredentialScreenOptions) {}

  /** Refuses, before any cache or call, credentials HSS refused less than a minute ago. */
  recentRefusal(identity: string): HssError | undefined {
    const refusedAt = this.refused.get(identity);
    if (refusedAt === undefined) return undefined;
    const wait = refusedAt + REFUSAL_MEMORY_MS - this.options.now();
    if (wait <= 0) {
      this.refused.delete(identity);
      return undefined;
    }
    return new HssError(
      'UNAUTHENTICATED',
      `HSS refused these credentials less than a minute ago; the gateway asks again in ${Math.ceil(wait / 1000)} s.`,
    );
  }

  /** Another replica was refused these credentials by HSS: they are refused here too, for a minute. */
  refusedElsewhere(identity: string): void {
    this.refused.set(identity, this.options.now());
  }

  /** Hears how HSS answered a call made with these credentials. */
  onAnswer(credentials: Credentials, identity: string, error: unknown): void {
    // An IAM provider replaces a refused token itself: its identity stays usable.
    if (credentials.kind === 'iam') return;
    if (error instanceof HssError && error.code === 'UNAUTHENTICATED' && error.upstream) {
      this.refusedElsewhere(identity);
      this.options.onRefused?.(identity);
    }
  }
}
