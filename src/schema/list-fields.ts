/**
 * The fields every connection of this API carries besides edges and pageInfo: how many rows match,
 * and how fresh the page is (the gateway caches HSS's answers). Each connection describes them in
 * its own words.
 */
import type { builder } from './builder.js';
import { DateTime } from './date-time.js';

/** The builder's schema types, for helpers that take a field builder. */
export type GatewaySchemaTypes =
  typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;

interface CountedFreshList {
  totalCount: number;
  fetchedAt: Date;
  stale: boolean;
}

export function countAndFreshnessFields<List extends CountedFreshList>(
  t: PothosSchemaTypes.ObjectFieldBuilder<GatewaySchemaTypes, List>,
  descriptions: { totalCount: string; fetchedAt: string; stale: string },
) {
  return {
    totalCount: t.int({ description: descriptions.totalCount, resolve: (list) => list.totalCount }),
    fetchedAt: t.field({
      type: DateTime,
      description: descriptions.fetchedAt,
      resolve: (list) => list.fetchedAt,
    }),
    stale: t.boolean({ description: descriptions.stale, resolve: (list) => list.stale }),
  };
}
