/** The public SDL as committed in schema/schema.graphql. */
import { lexicographicSortSchema, printSchema } from 'graphql';
import { schema } from './index.js';

export function printPublicSchema(): string {
  // Sorted, so the committed file changes only when the contract does.
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
