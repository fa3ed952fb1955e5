/**
 * The Pothos builder and its plugins. It defines no types: each GraphQL type has its own file.
 */
import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { GatewayContext } from '../context.js';

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  // Output fields are non-null unless a field says otherwise, as the contract's types are.
  DefaultFieldNullability: false;
  // The contract's connections never hold null edges or nodes.
  DefaultEdgesNullability: { list: false; items: false };
  DefaultNodeNullability: false;
  Scalars: { DateTime: { Input: Date; Output: Date } };
}>({
  plugins: [RelayPlugin],
  defaultFieldNullability: false,
  relay: {
    cursorType: 'String',
    nodesOnConnection: true,
    edgesFieldOptions: { nullable: { list: false, items: false } },
    nodeFieldOptions: { nullable: false },
    nodeQueryOptions: { description: 'Any object by the id this API issued; null when the row is gone.' },
    nodesQueryOptions: {
      description: 'Objects by the ids this API issued, in the same order; null where a row is gone.',
    },
    nodeTypeOptions: { description: 'An object with an opaque, stable, globally unique id.' },
    pageInfoTypeOptions: { description: 'Where a page of a connection sits in the whole list.' },
  },
});

builder.queryType({ description: 'Open-port statistics of Huawei Cloud Host Security Service (HSS).' });
