/** How long a request waits for an upstream fetch: until it lands, its deadline passes or its client goes away. */
import { HssError } from '../errors/hss-error.js';
import type { Cancellation } from './cancellation.js';

/**
 * Waits for the promise, or until the request's deadline passes or its client goes away. The
 * deadline timer lives only while a request waits on HSS: one per request for its whole life would
 * keep thousands of timers alive under load.
 */
export function untilDeadline<T>(
  promise: Promise<T>,
  cancellation: Cancellation | undefined,
  deadlineAt: number | undefined,
): Promise<T> {
  if (!cancellation && deadlineAt === undefined) return promise;
  const deadlinePassed = () =>
    new HssError('UPSTREAM_UNAVAILABLE', "HSS did not answer within the request's deadline.", {
      failure: 'deadline',
    });
  const cancelled = () =>
    new HssError('UPSTREAM_UNAVAILABLE', 'The request was cancelled before HSS answered.', {
      failure: 'aborted',
    });
  const remaining = deadlineAt === undefined ? undefined : deadlineAt - Date.now();
  if (cancellation?.aborted || (remaining !== undefined && remaining <= 0)) {
    // Nobody waits for the fetch any more, but it goes on (others may share it): its failure is
    // heard here, not left as an unhandled rejection.
    promise.catch(() => undefined);
    return Promise.reject(cancellation?.aborted ? cancelled() : deadlinePassed());
  }
  return new Promise<T>((resolve, reject) => {
    const timer = remaining === undefined ? undefined : setTimeout(() => reject(deadlinePassed()), remaining);
    const stopListening = cancellation?.onAbort(() => reject(cancelled()));
    const settle = () => {
      if (timer) clearTimeout(timer);
      stopListening?.();
    };
    promise.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
