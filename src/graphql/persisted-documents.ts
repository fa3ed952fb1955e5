/**
 * The documents the gateway knows by id (persisted documents): read once at start-up from JSON
 * manifests, as the tools teams already use write them.
 *
 * - `{ "sha256:<hex>": "<document>" }`: GraphQL Code Generator's client preset with
 *   `persistedDocuments: { hashAlgorithm: 'sha256' }` (the gateway's own manifest is one);
 * - `{ "<id>": "<document>" }`: the same preset's other hashes, or ids of a team's own choosing;
 * - `{ "format": "apollo-persisted-query-manifest", "operations": [{ "id", "body" }] }`: Apollo's
 *   `generate-persisted-query-manifest`.
 *
 * An id that claims to be a SHA-256 hash must be the hash of its document: a manifest edited by hand
 * (or generated from other documents) would otherwise run something else than what was reviewed.
 * Every problem of every file is reported at once, and the gateway does not start with any of them.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GraphQLError, Kind, parse } from 'graphql';

export interface PersistedDocuments {
  /** The document of an id as clients send it: `sha256:<hex>`, APQ's bare `<hex>`, or a custom id. */
  get(id: string): string | undefined;
  /** Named operations of all documents (metric labels are bounded to known names). */
  readonly operationNames: readonly string[];
  /** Every id (in its one form) with its document. */
  entries(): IterableIterator<[string, string]>;
  readonly size: number;
}

export class PersistedDocumentsError extends Error {
  override readonly name = 'PersistedDocumentsError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

const SHA256 = /^(?:sha256:)?([0-9a-f]{64})$/i;

const sha256Of = (document: string) => createHash('sha256').update(document).digest('hex');

/** `[id, document]` entries of one manifest, or the problem that makes it unusable. */
function entriesOf(json: unknown): [string, unknown][] | string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return 'is not a JSON object of id -> document';
  }
  const manifest = json as Record<string, unknown>;
  if (manifest.format === 'apollo-persisted-query-manifest') {
    if (!Array.isArray(manifest.operations)) return 'has no "operations" list';
    return manifest.operations.map((operation: { id?: unknown; body?: unknown }, index) => [
      typeof operation?.id === 'string' ? operation.id : `operations[${index}]`,
      operation?.body,
    ]);
  }
  return Object.entries(manifest);
}

/** What is wrong with one entry, if anything. */
function problemOf(id: string, document: unknown): string | undefined {
  if (typeof document !== 'string') return `${id}: the document is not a string`;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(document);
  } catch (error) {
    return `${id}: the document does not parse (${error instanceof GraphQLError ? error.message : String(error)})`;
  }
  if (!parsed.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION)) {
    return `${id}: the document has no operation`;
  }
  const hash = SHA256.exec(id)?.[1];
  if (hash !== undefined && hash.toLowerCase() !== sha256Of(document)) {
    return `${id}: is not the SHA-256 hash of its document (${sha256Of(document)})`;
  }
  return undefined;
}

function operationNamesIn(document: string): string[] {
  return parse(document).definitions.flatMap((d) =>
    d.kind === Kind.OPERATION_DEFINITION && d.name ? [d.name.value] : [],
  );
}

/** Reads the manifests, later ones adding to earlier ones; throws every problem found. */
export function readPersistedDocuments(files: readonly string[]): PersistedDocuments {
  const documents = new Map<string, string>();
  const problems: string[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      problems.push(`${file}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const entries = entriesOf(json);
    if (typeof entries === 'string') {
      problems.push(`${file}: ${entries}`);
      continue;
    }
    for (const [id, document] of entries) {
      const problem = problemOf(id, document);
      if (problem !== undefined) problems.push(`${file}: ${problem}`);
      else if (documents.has(key(id)) && documents.get(key(id)) !== document) {
        problems.push(`${file}: ${id}: another manifest has a different document under this id`);
      } else documents.set(key(id), document as string);
    }
  }
  if (problems.length > 0) throw new PersistedDocumentsError(problems);
  const operationNames = [...new Set([...documents.values()].flatMap(operationNamesIn))];
  return {
    // `sha256:<hex>` and APQ's bare `<hex>` are one id.
    get: (id) => documents.get(key(id)),
    entries: () => documents.entries(),
    operationNames,
    size: documents.size,
  };
}

/** SHA-256 ids in one form (`sha256:` and lower case); any other id as it is. */
function key(id: string): string {
  const hash = SHA256.exec(id)?.[1];
  return hash === undefined ? id : `sha256:${hash.toLowerCase()}`;
}
