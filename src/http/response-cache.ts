/**
 * Whole GraphQL answers kept as the bytes that were sent, per caller: a repeated request (same
 * credential identity, same body bytes, same Origin and Accept) is answered without parsing or
 * executing anything, for as long as every HSS block in the answer stays fresh.
 *
 * Trust rules: the key begins with the caller's credential identity, so one caller's answer can
 * never be another's; only answers without errors and built from fresh blocks are stored; and there
 * are no ETags, so no 304 can be earned with someone else's validator.
 */
import { hash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** An answer as it was sent: status, headers (but the request id) and body bytes. */
export interface StoredResponse {
  status: number;
  headers: readonly (readonly [string, string])[];
  body: Buffer;
}

/** An answer as the cache keeps it: its cost a marker, which each hit writes anew (answer-cost.ts). */
export interface CachedAnswer extends StoredResponse {
  /** The blocks the answer was built from: a hit serves them all from the cache. */
  blocks: number;
  /** Its operation's name and when its oldest data was fetched, for the access log of a hit. */
  operation: string | null;
  fetchedAt: number | null;
}

interface Entry extends CachedAnswer {
  expiresAt: number;
}

/** What, besides the caller, decides the bytes of an answer. */
export interface ResponseCacheRequest {
  /** The request body, exactly as received. */
  body: Buffer;
  /** CORS headers of the answer depend on it. */
  origin: string | undefined;
  /** The answer's content type depends on it. */
  accept: string | undefined;
}

export interface ResponseCacheOptions {
  /** Bytes of all stored answers together (bodies and headers). */
  maxBytes: number;
  /** The gateway's clock, shared with the block cache. */
  now: () => number;
}

// Headers and bookkeeping of an entry, beside its body.
const ENTRY_OVERHEAD_BYTES = 512;

export class ResponseCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly now: () => number;

  constructor(options: ResponseCacheOptions) {
    this.now = options.now;
    this.lru = new LRUCache<string, Entry>({
      maxSize: options.maxBytes,
      // One huge answer must not push out hundreds of small ones.
      maxEntrySize: Math.max(1024, Math.floor(options.maxBytes / 16)),
      sizeCalculation: (entry) => entry.body.length + ENTRY_OVERHEAD_BYTES,
    });
  }

  get(key: string): CachedAnswer | undefined {
    const entry = this.lru.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt > this.now()) return entry;
    this.lru.delete(key);
    return undefined;
  }

  /** Keeps an answer for `ttlMs` of the gateway's clock. */
  set(key: string, response: CachedAnswer, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.lru.set(key, { ...response, expiresAt: this.now() + ttlMs });
  }

  /** Bytes held now; for tests and metrics. */
  get bytes(): number {
    return this.lru.calculatedSize;
  }
}

/**
 * The key of an answer: a digest of whose answers these are and every byte that decides it (the
 * response cache's key, and the one identical requests in flight share an answer by).
 */
export function answerKeyOf(answers: string, request: ResponseCacheRequest): string {
  // One-shot hashing (crypto.hash) costs half of a Hash object's updates; the body's bytes go in
  // as latin1 characters, one per byte, so different bodies stay different texts.
  const { origin = '', accept = '', body } = request;
  return hash(
    'sha256',
    `${answers}\u0000${origin}\u0000${accept}\u0000${body.toString('latin1')}`,
    'base64url',
  );
}
