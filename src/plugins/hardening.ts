/**
 * What keeps a public GraphQL endpoint safe to run: limits on depth, aliases, tokens and directives
 * (graphql-armor) checked before execution, CSRF prevention for browser requests, a request size
 * limit, introspection that can be switched off, and trusted documents (only operations from the
 * committed manifest run). The cost limit lives with the schema (Pothos complexity plugin), since
 * it needs to know what each field costs upstream. Every refusal carries `extensions.code`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayConfig } from '../config/gateway-config.js';
import { refusalResponse } from '../errors/refusals.js';
import { useCsrfCheck } from './use-csrf-check.js';
import { useRequestErrors } from './use-request-errors.js';
import { useWellFormedParams } from './use-well-formed-params.js';

/** Where `npm run codegen` writes the trusted documents: `sha256:<hash>` -> operation. */
export const TRUSTED_DOCUMENTS_FILE = join(
  __dirname,
  '..',
  '..',
  'schema',
  'generated',
  'persisted-documents.json',
);

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

/** The trusted documents: `sha256:<hash>` -> operation. */
function readTrustedDocuments(): Record<string, string> {
  return JSON.parse(readFileSync(TRUSTED_DOCUMENTS_FILE, 'utf8')) as Record<string, string>;
}

function useTrustedDocuments(): Plugin {
  const manifest = readTrustedDocuments();
  return usePersistedOperations({
    // Apollo's automatic persisted queries format: extensions.persistedQuery.sha256Hash, with or
    // without the `sha256:` prefix the manifest uses.
    extractPersistedOperationId: (params) => {
      const hash = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
        ?.persistedQuery?.sha256Hash;
      if (typeof hash !== 'string') return null;
      return hash.startsWith('sha256:') ? hash : `sha256:${hash}`;
    },
    getPersistedOperation: (id) => manifest[id] ?? null,
    customErrors: {
      notFound: {
        message: 'PersistedQueryNotFound',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
      },
      persistedQueryOnly: {
        message:
          'Only trusted documents run here: send extensions.persistedQuery.sha256Hash of an operation in the manifest.',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'PersistedQueryKeyNotFound',
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } },
      },
    },
  });
}

/** graphql-armor throws its refusals without a code; the contract wants one on every error. */
function withValidationCode(_context: unknown, error: GraphQLError): void {
  (error.extensions as Record<string, unknown>).code ??= 'GRAPHQL_VALIDATION_FAILED';
}

/** The hardening plugins for a configuration, in the order they must run. */
export function hardeningPlugins(config: Pick<GatewayConfig, 'http' | 'limits'>): Plugin[] {
  const { http, limits } = config;
  const plugins: Plugin[] = [
    useRequestSizeLimit(http.maxRequestBytes),
    useCsrfCheck('/graphql'),
    useWellFormedParams(),
    useRequestErrors({ suggestions: http.introspection }),
  ];
  if (http.trustedDocuments) plugins.push(useTrustedDocuments());
  plugins.push(
    EnvelopArmorPlugin({
      maxDepth: { n: limits.depth, onReject: [withValidationCode] },
      maxAliases: { n: limits.aliases, onReject: [withValidationCode] },
      maxTokens: { n: limits.tokens },
      maxDirectives: { n: limits.directives, onReject: [withValidationCode] },
      // The cost that matters is upstream calls: the schema's complexity limit knows them.
      costLimit: { enabled: false },
      // "Did you mean" suggestions are removed from every error by useRequestErrors instead: this
      // one misses those of enum values and of variables.
      blockFieldSuggestion: { enabled: false },
    }) as Plugin,
  );
  if (!http.introspection) plugins.push(useDisableIntrospection());
  return plugins;
}
