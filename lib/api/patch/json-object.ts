// Own-property access for decoded JSON: a body may carry a "__proto__" key, which must stay
// plain data and never reach Object.prototype.

export type JsonMap = Record<string, unknown>;

export function hasOwn(map: JsonMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

export function getOwn(map: JsonMap, key: string): unknown {
  return hasOwn(map, key) ? map[key] : undefined;
}

export function setOwn(map: JsonMap, key: string, value: unknown): void {
  Object.defineProperty(map, key, { value, writable: true, enumerable: true, configurable: true });
}
