/** `DateTime`: an instant, as an ISO-8601 string in UTC (`2026-11-27T17:17:50.000Z`). */
import { GraphQLError } from 'graphql';
import { builder } from './builder.js';

export const DateTime = builder.scalarType('DateTime', {
  description: 'An instant, as an ISO-8601 string in UTC, e.g. `2026-11-27T17:17:50.000Z`.',
  serialize: (value) => (value as Date).toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      throw new GraphQLError(`DateTime must be an ISO-8601 string; got ${JSON.stringify(value)}.`);
    }
    return date;
  },
});
