/**
 * The committed SDL files: schema/schema.graphql (the public schema frontends see) and
 * schema/subgraph.graphql (the federation SDL; `printSubgraphSchema`, since `printSchema` drops
 * applied directives such as `@key`).
 */
import { printSubgraphSchema } from '@apollo/subgraph';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { publicSchema, schema } from './index.js';

// Sorted, so the committed files change only when the contract does.
export function printPublicSchema(): string {
  return `${printSchema(lexicographicSortSchema(publicSchema))}\n`;
}

export function printSubgraphSdl(): string {
  return `${printSubgraphSchema(lexicographicSortSchema(schema)).trim()}\n`;
}
