// Linear-memory layout helpers shared by the kernels.

/** First byte after AssemblyScript's static data; the JS arena starts at or above it. */
export function heapBase(): usize {
  return __heap_base;
}
