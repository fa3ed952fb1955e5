/** `PageInput`: which window of rows to return. */
import { DEFAULT_FIRST, MAX_FIRST, MAX_OFFSET } from '../paging/window.js';
import { builder } from './builder.js';

export const PageInput = builder.inputType('PageInput', {
  description: 'A window of rows: `first` rows after a cursor, or from a record offset.',
  fields: (t) => ({
    first: t.int({
      description:
        `Rows wanted: 0 to ${MAX_FIRST}, default ${DEFAULT_FIRST}. 0 answers totalCount alone. ` +
        'Any number is cut from blocks of 200 rows, one upstream call each (or from a snapshot of the scope).',
    }),
    after: t.string({
      description: 'Opaque cursor from a previous page (an edge cursor or pageInfo.endCursor).',
    }),
    offset: t.int({
      description: `Record offset (0 to ${MAX_OFFSET.toLocaleString('en')}), instead of \`after\`.`,
    }),
  }),
});
