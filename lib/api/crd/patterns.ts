// The `pattern` of a schema as a JavaScript RegExp, compiled once. Kubernetes compiles patterns
// with Go's RE2; the common syntax is the same, and a pattern JavaScript cannot compile is refused
// when the CustomResourceDefinition is written.
const cache = new Map<string, RegExp | null>();

export function compiledPattern(pattern: string): RegExp | undefined {
  let compiled = cache.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = new RegExp(pattern, 'u');
    } catch {
      compiled = null;
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, compiled);
  }
  return compiled ?? undefined;
}
