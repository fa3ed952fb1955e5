/**
 * `DateTime`: an instant, as an ISO-8601 string in UTC (`2026-11-27T17:17:50.000Z`). Output only:
 * no argument takes one, so no value is ever parsed (validation refuses a variable nothing uses).
 */
import { builder } from './builder.js';

export const DateTime = builder.scalarType('DateTime', {
  description: 'An instant, as an ISO-8601 string in UTC, e.g. `2026-11-27T17:17:50.000Z`.',
  serialize: (value) => value.toISOString(),
});
