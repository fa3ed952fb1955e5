/**
 * The gateway's plugins folded, so a request pays one hook per phase, not one per plugin: yoga and
 * envelop make a payload object with its closures and a step of their promise helpers for every
 * hook of every plugin (16 plugins, 30 hooks a request). A run of plugins that use only the hooks
 * below becomes one plugin whose hooks call theirs in order, with the same payloads' meaning: a
 * part that ends the response or stops execution stops the parts after it, a part that replaces a
 * value (request, params, result, response) is seen by the parts after it, a part that returns a
 * promise is waited for before the next. A plugin with any other hook (a library's `onValidate`,
 * `onPluginInit` ...) is left as it is, between two runs, so the order of every hook is unchanged.
 */
import type { Plugin } from 'graphql-yoga';

// biome-ignore lint/suspicious/noExplicitAny: the fold is over every plugin's context type.
type AnyPlugin = Plugin<any, any, any>;
// biome-ignore lint/suspicious/noExplicitAny: each hook takes its own phase's payload.
type Hook = (payload: any) => unknown;

const FOLDED_HOOKS = ['onRequest', 'onParams', 'onExecute', 'onResultProcess', 'onResponse'] as const;

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';

/**
 * Calls the hooks from `from` on, in order, each with the payload; after each, `seen` is given what
 * it returned, and no hook runs once `stopped()` says so. Synchronous while the hooks are.
 */
function inOrder(
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

const never = () => false;

function hooksOf(parts: AnyPlugin[], name: (typeof FOLDED_HOOKS)[number]): Hook[] {
  return parts.flatMap((part) => (part[name] ? [(part[name] as Hook).bind(part)] : []));
}

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

/** The execution's after-hooks (`onExecuteDone`, and `onNext`/`onEnd` of a stream), folded. */
function afterExecution(dones: Hook[]) {
  return {
    onExecuteDone(payload: { args: unknown; result: unknown; setResult(result: unknown): void }) {
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

/** One plugin doing what the parts did, in their order. */
export function foldPlugins(parts: AnyPlugin[]): AnyPlugin {
  const folded: AnyPlugin = {};
  const onRequest = hooksOf(parts, 'onRequest');
  if (onRequest.length > 0) {
    folded.onRequest = (payload) => {
      let ended = false;
      let url: URL | undefined;
      const view: typeof payload = {
        ...payload,
        // yoga's `url` is a proxy that parses the URL on every read until it is replaced: parsed
        // here once for all the parts.
        get url(): URL {
          url ??= new payload.fetchAPI.URL(view.request.url, 'http://localhost');
          return url;
        },
        setRequest(request: Request) {
          view.request = request;
          url = undefined;
          payload.setRequest(request);
        },
        endResponse(response: Response) {
          payload.endResponse(response);
          if (response) ended = true;
        },
      };
      return inOrder(onRequest, view, () => ended);
    };
  }
  const onParams = hooksOf(parts, 'onParams');
  if (onParams.length > 0) {
    folded.onParams = (payload) => {
      const view = {
        ...payload,
        setParams(params: typeof payload.params) {
          view.params = params;
          payload.setParams(params);
        },
      };
      return inOrder(onParams, view, never);
    };
  }
  const onExecute = hooksOf(parts, 'onExecute');
  if (onExecute.length > 0) {
    folded.onExecute = (payload) => {
      let stopped = false;
      const dones: Hook[] = [];
      const view = {
        ...payload,
        setExecuteFn(executeFn: typeof payload.executeFn) {
          view.executeFn = executeFn;
          payload.setExecuteFn(executeFn);
        },
        setResultAndStopExecution(result: Parameters<typeof payload.setResultAndStopExecution>[0]) {
          stopped = true;
          payload.setResultAndStopExecution(result);
        },
      };
      const seen = (returned: unknown) => {
        const done = (returned as { onExecuteDone?: Hook } | undefined)?.onExecuteDone;
        if (done) dones.push(done);
      };
      const after = () => (dones.length > 0 ? afterExecution(dones) : undefined);
      const ran = inOrder(onExecute, view, () => stopped, seen);
      return isThenable(ran) ? ran.then(after) : after();
    };
  }
  const onResultProcess = hooksOf(parts, 'onResultProcess');
  if (onResultProcess.length > 0) {
    folded.onResultProcess = (payload) => {
      const view = {
        ...payload,
        setResult(result: typeof payload.result) {
          view.result = result;
          payload.setResult(result);
        },
        setResultProcessor(processor: typeof payload.resultProcessor, mediaType: string) {
          view.resultProcessor = processor;
          payload.setResultProcessor(processor as never, mediaType);
        },
      };
      return inOrder(onResultProcess, view, never);
    };
  }
  const onResponse = hooksOf(parts, 'onResponse');
  if (onResponse.length > 0) {
    folded.onResponse = (payload) => {
      const view = {
        ...payload,
        setResponse(response: Response) {
          view.response = response;
          payload.setResponse(response);
        },
      };
      return inOrder(onResponse, view, never);
    };
  }
  return folded;
}

/** Whether a plugin has only hooks the fold knows. */
export function isFoldable(plugin: AnyPlugin): boolean {
  return Object.keys(plugin).every((key) => (FOLDED_HOOKS as readonly string[]).includes(key));
}

/**
 * The plugins with every run of foldable ones folded into one; the others (a library's with hooks
 * of other phases) stay where they were.
 */
export function foldRuns(plugins: AnyPlugin[]): AnyPlugin[] {
  const out: AnyPlugin[] = [];
  let run: AnyPlugin[] = [];
  const flush = () => {
    if (run.length === 1) out.push(run[0] as AnyPlugin);
    else if (run.length > 1) out.push(foldPlugins(run));
    run = [];
  };
  for (const plugin of plugins) {
    if (isFoldable(plugin)) run.push(plugin);
    else {
      flush();
      out.push(plugin);
    }
  }
  flush();
  return out;
}
