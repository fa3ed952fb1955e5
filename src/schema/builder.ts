/**
 * The Pothos builder and its plugins. It defines no types: each GraphQL type has its own file.
 */
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import DirectivePlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import RelayPlugin from '@pothos/plugin-relay';
import type { GatewayContext } from './types.js';

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  // Output fields are non-null unless a field says otherwise, as the contract's types are.
  DefaultFieldNullability: false;
  // The contract's connections never hold null edges or nodes.
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  // What every connection carries besides edges and pageInfo (src/paging/connection.ts).
  Connection: { totalCount: number; fetchedAt: Date; stale: boolean };
  // DateTime is output only (schema/date-time.ts).
  Scalars: { DateTime: { Input: never; Output: Date } };
}>({
  // Federation last: it wraps what the others define.
  plugins: [RelayPlugin, DirectivePlugin, ComplexityPlugin, FederationPlugin],
  // Cost is counted in upstream calls, the unit HSS's quota is counted in: only fields that call
  // HSS cost anything (see their `complexity`). The limit itself is checked once per operation,
  // before anything runs (plugins/use-price-limit.ts), not here in each root field.
  complexity: { defaultComplexity: 0, defaultListMultiplier: 1 },
  defaultFieldNullability: false,
  relay: {
    cursorType: 'String',
    nodesOnConnection: {
      description: 'The rows of this page, without their cursors (the same as edges.node).',
    },
    edgesFieldOptions: {
      nullable: { list: false, items: false },
      description: 'The rows of this page, each with its cursor.',
    },
    nodeFieldOptions: { nullable: false, description: 'The row.' },
    cursorFieldOptions: {
      description: 'An opaque cursor for this row: pass it as `after` (or `before`) to page from here.',
    },
    pageInfoFieldOptions: {
      description: 'Where this page sits in the whole list, and the cursors to page on.',
    },
    idFieldOptions: { description: 'Stable and opaque: the same object always has the same id.' },
    // node and nodes are defined in node.ts: a bad id must fail only its own item of `nodes`.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    // PageInfo is a value type other subgraphs of a supergraph define too.
    hasNextPageFieldOptions: {
      shareable: true,
      description: 'Whether rows follow this page (ask with `after: endCursor`).',
    },
    hasPreviousPageFieldOptions: {
      shareable: true,
      description: 'Whether rows come before this page (ask with `before: startCursor`).',
    },
    startCursorFieldOptions: {
      shareable: true,
      description: "The first row's cursor; null for an empty page.",
    },
    endCursorFieldOptions: { shareable: true, description: "The last row's cursor; null for an empty page." },
    nodeTypeOptions: { description: 'An object with an opaque, stable, globally unique id.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection sits in the whole list.' },
  },
});

builder.queryType({ description: 'Open-port statistics of Huawei Cloud Host Security Service (HSS).' });
