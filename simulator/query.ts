/**
 * §14.8: list parameters arrive as a query string (Stripe's bracket notation for nested objects,
 * `created[gt]=…`) or as a JSON body on the GET. Both are read into one object, query winning.
 */
export function listInput(originalUrl: string, body: unknown): Record<string, unknown> {
  const input: Record<string, unknown> = isPlainObject(body) ? { ...body } : {};
  for (const [key, value] of new URL(originalUrl, 'http://simulator.invalid').searchParams) {
    const path = key.split(/[[\]]+/).filter((part) => part !== '');
    // A query string must not reach Object.prototype through `__proto__[x]=…`.
    if (path.length === 0 || path.some((part) => UNSAFE_KEYS.has(part))) continue;
    setPath(input, path, value);
  }
  return input;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key];
    node = isPlainObject(child) ? child : (node[key] = {});
  }
  node[path[path.length - 1]] = value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
