import { createHash } from 'node:crypto';

/** A short, stable, non-reversible digest: what keys and logs use instead of a secret. */
export function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
