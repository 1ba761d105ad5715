// A seeded float32 array, uniform in [-amplitude, amplitude): the same values in Node and in the browser tests.
export function seededFloats(count, seed = 1, amplitude = 3) {
  let s = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * amplitude;
  }
  return out;
}
