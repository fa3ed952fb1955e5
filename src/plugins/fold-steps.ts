/**
 * How folded hooks run (src/plugins/fold.ts): parts in order, waiting on those that return a
 * promise, stopping where one says stop, each seeing what the one before it replaced.
 */

// biome-ignore lint/suspicious/noExplicitAny: each hook takes its own phase's payload.
export type Hook = (payload: any) => unknown;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';

/**
 * Calls the hooks from `from` on, in order, each with the payload; after each, `seen` is given what
 * it returned, and no hook runs once `stopped()` says so. Synchronous while the hooks are.
 */
export function inOrder(
  hooks: Hook[],
  payload: unknown,
  stopped: () => boolean,
  seen?: (returned: unknown) => void,
  from = 0,
): void | Promise<void> {
  for (let i = from; i < hooks.length && !stopped(); i++) {
    const returned = (hooks[i] as Hook)(payload);
    if (isThenable(returned)) {
      return Promise.resolve(returned).then((value) => {
        seen?.(value);
        return inOrder(hooks, payload, stopped, seen, i + 1);
      });
    }
    seen?.(returned);
  }
}

export const never = () => false;

/**
 * A result hook's payload for all the parts: each sees the result the one before it set (envelop
 * makes a payload per hook with the result as it then is; one payload's `result` would be stale).
 */
function resultView(payload: { args: unknown; result: unknown; setResult(result: unknown): void }) {
  let { result } = payload;
  return {
    args: payload.args,
    get result() {
      return result;
    },
    setResult(next: unknown) {
      result = next;
      payload.setResult(next);
    },
  };
}

/**
 * The hooks after an execution or a subscription's start (`onExecuteDone`, `onSubscribeResult`, and
 * `onNext`/`onEnd` of a stream), folded into one.
 */
function afterHooks(dones: Hook[]) {
  return {
    after(payload: { args: unknown; result: unknown; setResult(result: unknown): void }) {
      const onNexts: Hook[] = [];
      const onEnds: (() => void)[] = [];
      const view = resultView(payload);
      const seen = (returned: unknown) => {
        const stream = returned as { onNext?: Hook; onEnd?: () => void } | undefined;
        if (stream?.onNext) onNexts.push(stream.onNext);
        if (stream?.onEnd) onEnds.push(stream.onEnd);
      };
      const streamHooks = () => {
        if (onNexts.length === 0 && onEnds.length === 0) return undefined;
        return {
          onNext: (next: { args: unknown; result: unknown; setResult(result: unknown): void }) =>
            inOrder(onNexts, resultView(next), never),
          onEnd: () => {
            for (const onEnd of onEnds) onEnd();
          },
        };
      };
      const ran = inOrder(dones, view, never, seen);
      return isThenable(ran) ? ran.then(streamHooks) : streamHooks();
    },
  };
}

/**
 * The start of an execution or a subscription, folded: the parts in order until one stops it, a
 * replaced function seen by the parts after, and their after-hooks (`onExecuteDone`,
 * `onSubscribeResult`) folded into one; a subscription's `onSubscribeError` hooks are called in order.
 */
export function foldStart(
  hooks: Hook[],
  // biome-ignore lint/suspicious/noExplicitAny: an execute or a subscribe payload.
  payload: any,
  fn: 'executeFn' | 'subscribeFn',
  afterName: 'onExecuteDone' | 'onSubscribeResult',
) {
  let stopped = false;
  const dones: Hook[] = [];
  const errors: Hook[] = [];
  const setFn = fn === 'executeFn' ? 'setExecuteFn' : 'setSubscribeFn';
  const view = {
    ...payload,
    [setFn](replaced: unknown) {
      view[fn] = replaced;
      payload[setFn](replaced);
    },
    setResultAndStopExecution(result: unknown) {
      stopped = true;
      payload.setResultAndStopExecution(result);
    },
  };
  const seen = (returned: unknown) => {
    const hooks = returned as Record<string, Hook | undefined> | undefined;
    const done = hooks?.[afterName];
    if (done) dones.push(done);
    if (hooks?.onSubscribeError) errors.push(hooks.onSubscribeError);
  };
  const after = () => {
    if (dones.length === 0 && errors.length === 0) return undefined;
    return {
      ...(dones.length > 0 && { [afterName]: afterHooks(dones).after }),
      ...(errors.length > 0 && {
        onSubscribeError: (failed: unknown) => {
          for (const hook of errors) hook(failed);
        },
      }),
    };
  };
  const ran = inOrder(hooks, view, () => stopped, seen);
  return isThenable(ran) ? ran.then(after) : after();
}
