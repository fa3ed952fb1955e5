/**
 * What keeps a public GraphQL endpoint safe to run: only the gateway's own paths and request shapes,
 * limits on depth, aliases, tokens and directives (graphql-armor) checked before execution, CSRF
 * prevention for browser requests, a request size limit, introspection that can be switched off,
 * and persisted documents (run by id; with TRUSTED_DOCUMENTS, only they run). The price limit is
 * usePriceLimit's, since it needs to know what each field costs upstream. Every refusal carries
 * `extensions.code`.
 */
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLError } from 'graphql';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { refusalResponse } from '../errors/refusals.js';
import type { PersistedDocuments } from '../graphql/persisted-documents.js';
import { useCsrfCheck } from './use-csrf-check.js';
import { useRequestErrors } from './use-request-errors.js';
import { useGraphQLRequestShape, useKnownPaths } from './use-request-shape.js';
import { useWellFormedParams } from './use-well-formed-params.js';

/** Refuses bodies over the limit from their Content-Length, before anything reads them. */
function useRequestSizeLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse }) {
      if (request.method !== 'POST') return;
      const length = request.headers.get('content-length');
      if (length === null) {
        // Browsers and GraphQL clients always send a length; a stream of unknown size is refused
        // rather than buffered without bound.
        endResponse(refusalResponse(411, 'LENGTH_REQUIRED', 'A GraphQL POST needs a Content-Length header.'));
      } else if (Number(length) > maxBytes) {
        endResponse(
          refusalResponse(
            413,
            'PAYLOAD_TOO_LARGE',
            `The request body is ${length} bytes; the gateway accepts at most ${maxBytes}.`,
          ),
        );
      }
    },
  };
}

/**
 * The id of a persisted document a request names: GraphQL over HTTP's `documentId` (in the body, or
 * the query string of a GET), or Apollo's automatic persisted queries' `extensions.persistedQuery`.
 */
function persistedDocumentIdOf(
  params: GraphQLParams & { documentId?: unknown },
  request: Request,
): string | null {
  if (typeof params.documentId === 'string') return params.documentId;
  if (request.method === 'GET') {
    const fromUrl = new URL(request.url).searchParams.get('documentId');
    if (fromUrl) return fromUrl;
  }
  const hash = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
    ?.persistedQuery?.sha256Hash;
  return typeof hash === 'string' ? hash : null;
}

/**
 * Persisted documents run by id; with `trusted`, nothing else runs. Without it a document sent in
 * full runs as always, and a request that names an id the manifests do not know is answered
 * PERSISTED_QUERY_NOT_FOUND, which Apollo's APQ link answers by sending the document.
 */
function usePersistedDocuments(documents: PersistedDocuments, trusted: boolean): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: !trusted,
    extractPersistedOperationId: persistedDocumentIdOf,
    getPersistedOperation: (id) => documents.get(id) ?? null,
    customErrors: {
      notFound: {
        // Apollo's APQ link recognises the code (or the bare message PersistedQueryNotFound).
        message: trusted
          ? 'PersistedQueryNotFound: no trusted document has this id. Add the operation to the manifest TRUSTED_DOCUMENTS_FILE names (regenerate it with your codegen) and restart the gateway.'
          : 'PersistedQueryNotFound: no persisted document has this id; send the document itself (Apollo Client does so by itself).',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
      },
      persistedQueryOnly: {
        message:
          'Only trusted documents run here: send the documentId (or extensions.persistedQuery.sha256Hash) of an operation in the manifest, not the document.',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      keyNotFound: {
        message: trusted
          ? 'Only trusted documents run here: send a documentId (or extensions.persistedQuery.sha256Hash).'
          : 'Must provide a query string or a documentId.',
        extensions: { code: trusted ? 'PERSISTED_QUERY_ONLY' : 'BAD_REQUEST', http: { status: 400 } },
      },
    },
  });
}

/** graphql-armor throws its refusals without a code; the contract wants one on every error. */
function withValidationCode(_context: unknown, error: GraphQLError): void {
  (error.extensions as Record<string, unknown>).code ??= 'GRAPHQL_VALIDATION_FAILED';
}

/** What the hardening plugins are configured with (the gateway's configuration has it all). */
export interface HardeningSettings {
  http: {
    metrics: boolean;
    /** Set: /metrics is served on that port, not this one. */
    metricsPort?: number | undefined;
    maxRequestBytes: number;
    introspection: boolean;
    trustedDocuments: boolean;
  };
  limits: { depth: number; aliases: number; tokens: number; directives: number };
}

/** The hardening plugins for a configuration, in the order they must run. */
export function hardeningPlugins(
  config: HardeningSettings,
  persistedDocuments: PersistedDocuments,
): Plugin[] {
  const { http, limits } = config;
  const plugins: Plugin[] = [
    useKnownPaths([
      '/graphql',
      '/health',
      '/ready',
      ...(http.metrics && http.metricsPort === undefined ? ['/metrics'] : []),
    ]),
    useRequestSizeLimit(http.maxRequestBytes),
    useCsrfCheck('/graphql'),
    useGraphQLRequestShape('/graphql'),
    useWellFormedParams(),
    useRequestErrors({ suggestions: http.introspection }),
  ];
  plugins.push(usePersistedDocuments(persistedDocuments, http.trustedDocuments));
  plugins.push(
    EnvelopArmorPlugin({
      maxDepth: { n: limits.depth, onReject: [withValidationCode] },
      maxAliases: { n: limits.aliases, onReject: [withValidationCode] },
      maxTokens: { n: limits.tokens },
      maxDirectives: { n: limits.directives, onReject: [withValidationCode] },
      // The cost that matters is upstream calls: usePriceLimit prices each operation in them
      // before it runs (MAX_OPERATION_COST).
      costLimit: { enabled: false },
      // "Did you mean" suggestions are removed from every error by useRequestErrors instead: this
      // one misses those of enum values and of variables.
      blockFieldSuggestion: { enabled: false },
    }) as Plugin,
  );
  if (!http.introspection) plugins.push(useDisableIntrospection());
  return plugins;
}
