/**
 * What a stored page must look like to be served again: the page model, checked at run time. For
 * stores that outlive a gateway version or that something else can write to (Redis), where a
 * page that only looks right would fail deep inside a resolver instead of costing a cache miss.
 */
import { z } from 'zod';
import { PORT_PROTOCOLS, PORT_RISK_STATUSES, type PortStatistic, type PortStatisticsPage } from './model.js';

// Counts a GraphQL Int can carry, as the upstream reader accepts them.
const count = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

const portStatistic = z.object({
  port: z.number().int().min(0).max(65_535),
  type: z.enum(PORT_PROTOCOLS),
  num: count,
  status: z.enum(PORT_RISK_STATUSES),
}) satisfies z.ZodType<PortStatistic>;

const portStatisticsPage = z.object({
  totalNum: count,
  rows: z.array(portStatistic.nullable()),
  requestId: z.string().optional(),
}) satisfies z.ZodType<PortStatisticsPage>;

/** A page as the page cache keeps it. Another kind of page: a z.union of the page schemas here. */
const storedPage = z.object({ page: portStatisticsPage, fetchedAt: z.number() });

export type StoredPageReading =
  | { ok: true; value: z.infer<typeof storedPage> }
  /** `problem` names where the value is wrong (`page.rows.3.port: too_big`), never what it holds. */
  | { ok: false; problem: string };

/** Checks a value read back from a page store; unknown keys are dropped. */
export function readStoredPage(value: unknown): StoredPageReading {
  const parsed = storedPage.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  // Paths hold only the schema's own keys and array indices: safe to log, unlike messages or values.
  return { ok: false, problem: issue ? `${issue.path.join('.') || '(root)'}: ${issue.code}` : 'invalid' };
}
