/**
 * GraphQL Code Generator: `npm run codegen` writes the committed schema files and the typed
 * documents frontends (and our tests) use; `npm run schema:check` fails when they are out of date.
 *
 * - schema/schema.graphql: the public SDL, printed from the Pothos schema;
 * - schema/subgraph.graphql: the federation SDL (`printSubgraphSchema`: it keeps `@link`/`@key`);
 * - schema/generated/: typed documents (client preset) for schema/operations/*.graphql, and
 *   persisted-documents.json, the manifest of trusted documents (hash -> operation).
 */
import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';
import { printPublicSchema, printSubgraphSdl } from './src/schema/print.js';

const publicSdl = printPublicSchema();

const config: CodegenConfig = {
  overwrite: true,
  schema: publicSdl,
  documents: ['schema/operations/*.graphql'],
  generates: {
    'schema/schema.graphql': { plugins: [{ add: { content: publicSdl.trimEnd() } }] },
    'schema/subgraph.graphql': { plugins: [{ add: { content: printSubgraphSdl().trimEnd() } }] },
    'schema/generated/': {
      preset: 'client',
      // persisted-documents.json: the trusted documents TRUSTED_DOCUMENTS=true restricts the gateway to.
      presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
      // `__typename` in every selection, as Apollo Client adds it to what it sends: a persisted
      // document without it gives Apollo's cache rows it cannot tell apart (every row rendered as
      // the first one's id, or blank), and urql's graphcache and Relay need it as much.
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string' },
        // `./graphql.js`, as NodeNext resolution (ours, and most ESM frontends') requires.
        emitLegacyCommonJSImports: false,
      },
    },
  },
};

export default config;
