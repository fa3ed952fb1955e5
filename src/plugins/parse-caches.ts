/**
 * yoga's caches of parsed documents and of parse errors, bounded in bytes instead of in entries
 * (yoga's default keeps 1,024 documents, whatever their size): a caller sending distinct documents
 * must not be able to fill the heap. A parsed document takes about a hundred times its text (a
 * 1.5 KB document of 300 fields, about 150 KB with its locations), so each entry is sized as that.
 * Validation results are kept by yoga per parsed document (a WeakMap), so they go when it goes.
 */
import type { DocumentNode } from 'graphql';
import type { YogaServerOptions } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';

/** Heap bytes per byte of document text, measured (see the file's comment). */
const AST_BYTES_PER_CHARACTER = 100;

type ParseCaches = Exclude<
  YogaServerOptions<object, object>['parserAndValidationCache'],
  boolean | undefined
>;
const ENTRY_BYTES = 1024;

export function boundedParseCaches(maxBytes: number): ParseCaches {
  const documentCache = new LRUCache<string, DocumentNode>({
    maxSize: maxBytes,
    sizeCalculation: (_document, text) => ENTRY_BYTES + text.length * AST_BYTES_PER_CHARACTER,
  });
  // An error keeps its message and the text's position, not the text's tree.
  const errorCache = new LRUCache<string, object>({
    maxSize: Math.max(ENTRY_BYTES, Math.floor(maxBytes / 8)),
    sizeCalculation: (_error, text) => ENTRY_BYTES + text.length * 2,
  });
  return { documentCache, errorCache, validationCache: true };
}
