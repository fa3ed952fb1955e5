/** `RateLimit` and the `rateLimit` query field: the caller's upstream budget, GitHub-style. */
import type { BudgetState } from '../quota/call-budget.js';
import { builder } from './builder.js';
import { DateTime } from './date-time.js';
import { HssApi } from './enums.js';

const RateLimit = builder.objectRef<{ state: BudgetState | null }>('RateLimit').implement({
  description:
    "The caller's budget of upstream calls to HSS (HSS_RATE_LIMIT_PER_MINUTE): HSS allows one user 5 calls a " +
    'minute per API, so the gateway spends at most this many for each credential. `limit` and `remaining` are ' +
    'null where no budget applies. Every answer also carries it in `extensions.cost.budget`.',
  fields: (t) => ({
    limit: t.int({
      nullable: true,
      description: 'Upstream calls a minute for these credentials; null: no budget.',
      resolve: ({ state }) => state?.limit ?? null,
    }),
    remaining: t.int({
      nullable: true,
      description: 'Calls left in the current minute; null: no budget.',
      resolve: ({ state }) => state?.remaining ?? null,
    }),
    used: t.int({
      description: 'Calls made in the current minute (0 where no budget counts them).',
      resolve: ({ state }) => state?.used ?? 0,
    }),
    resetAt: t.field({
      type: DateTime,
      nullable: true,
      description: 'When the count starts afresh; null when nothing is counted.',
      resolve: ({ state }) => (state?.resetAt == null ? null : new Date(state.resetAt)),
    }),
  }),
});

builder.queryField('rateLimit', (t) =>
  t.field({
    type: RateLimit,
    description:
      "Where the caller's upstream budget stands, for the credentials the request brings (or the service identity). " +
      'Costs no upstream call.',
    args: {
      api: t.arg({
        type: HssApi,
        required: true,
        defaultValue: 'ListPortStatistics',
        description: "Which API's budget: HSS counts its quota per API.",
      }),
    },
    resolve: async (_root, { api }, context) => ({ state: await context.budget(api) }),
  }),
);
