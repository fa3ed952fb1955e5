/**
 * The labelled children of a metric, kept by their label values: prom-client hashes the values on
 * every `labels()` call, and these are counted on every request. Label values are bounded (see
 * operation-labels.ts), so the map is too.
 */
export function childrenOf<T>(make: (...values: string[]) => T): (...values: string[]) => T {
  const children = new Map<string, T>();
  return (...values) => {
    const key = values.join('\u0000');
    let child = children.get(key);
    if (child === undefined) {
      child = make(...values);
      children.set(key, child);
    }
    return child;
  };
}
