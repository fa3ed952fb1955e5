/** A request's id: the caller's `x-request-id` when it is a sane one, else a new UUID. */
import { randomUUID } from 'node:crypto';

// Anything else (too long, odd characters) is replaced rather than trusted into logs.
const SANE_ID = /^[\w.:-]{1,128}$/;

/** The id of a request that came with `given` in its `x-request-id` header (or none). */
export function requestIdFor(given: string | null | undefined): string {
  return given && SANE_ID.test(given) ? given : randomUUID();
}
