/** `PortStatisticOrder`: how rows are sorted. */
import { builder } from './builder.js';
import { PortStatisticSortField, SortDirection } from './enums.js';

export const PortStatisticOrder = builder.inputType('PortStatisticOrder', {
  description: 'Sort order. Without it, no sort is sent and HSS returns its default order.',
  fields: (t) => ({
    field: t.field({
      type: PortStatisticSortField,
      required: true,
      defaultValue: 'PORT',
      description: 'Sort key.',
    }),
    direction: t.field({
      type: SortDirection,
      required: true,
      defaultValue: 'ASC',
      description: 'Sorting order.',
    }),
  }),
});
