/**
 * A fresh, empty header object: no inherited members (a header named `constructor` or
 * `__proto__` is just a header) yet a fast-mode object. `Object.create(null)` would give
 * the first but not the second: V8 keeps such objects in dictionary mode, and the keyed
 * stores filling one kept resetting the optimiser's feedback, so the edge's header pass
 * never left the baseline tier (measured: 1.9 µs per request against 0.4 µs).
 */
export function newHeaderBag<T = string | string[]>(): Record<string, T> {
  return new (HeaderBag as unknown as new () => Record<string, T>)();
}

function HeaderBag(): void {
  // Instances only; the members are the headers.
}
HeaderBag.prototype = Object.create(null) as object;
