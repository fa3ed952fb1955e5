/**
 * Identical requests in flight share one answer: while yoga answers a request, the same request
 * (the same answer key: whose answers, body, Origin and Accept; response-cache.ts) waits for that
 * answer instead of running the pipeline again, and is sent its bytes with a cost of its own (what
 * it waited for is shared, not spent). A leader that failed (its client went away, a fault) leaves
 * each joiner to run itself.
 */
export class AnswerFlights<Answer> {
  private readonly flying = new Map<string, Promise<Answer | undefined>>();

  /** The answer being made for `key`, if one is (undefined once made: it failed). */
  joining(key: string): Promise<Answer | undefined> | undefined {
    return this.flying.get(key);
  }

  /** Makes the answer for `key` as its leader; those who join meanwhile hear it. */
  lead(key: string, make: () => Promise<Answer>): Promise<Answer> {
    const made = make();
    const shared = made.then(
      (answer) => answer,
      () => undefined,
    );
    this.flying.set(key, shared);
    void shared.then(() => {
      if (this.flying.get(key) === shared) this.flying.delete(key);
    });
    return made;
  }
}
