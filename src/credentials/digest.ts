import { createHash } from 'node:crypto';

/**
 * The texts digested last, with their digests: a request's token is digested by the verifier, the
 * credentials and the principal, and the next request of the same caller brings it again (about
 * 6 us a digest). Bounded in entries and in the length of a text kept.
 */
const recent = new Map<string, string>();
const MAX_RECENT = 256;
const MAX_KEPT_LENGTH = 16 * 1024;

/** A short, stable, non-reversible digest: what keys and logs use instead of a secret. */
export function digest(text: string): string {
  let digested = recent.get(text);
  if (digested === undefined) {
    digested = createHash('sha256').update(text).digest('base64url').slice(0, 22);
    if (text.length <= MAX_KEPT_LENGTH) {
      if (recent.size >= MAX_RECENT) recent.clear();
      recent.set(text, digested);
    }
  }
  return digested;
}
