// The thread pool's shared protocol: the control block layout, the chunk-claiming rule used by the
// calling thread and the workers alike, and the worker's source (plain JS, for Node and browsers).
//
// A parallel call is split into chunks, whose argument lists sit in a table in shared memory. Every
// participating thread, the calling one included, claims chunks one at a time from a shared counter
// until none are left. So if a worker wakes late, or the OS gives its core to another process, the
// calling thread simply runs that worker's chunk too: a busy machine never makes a call slower than
// running it on one thread.
//
// Control block, Int32 slots from a 64-byte aligned byte offset:
//   [0] wake sequence: bumped once per parallel call; idle workers wait on it
//   [1] claim word: (generation << 12) | next unclaimed chunk; a claim is a compare-exchange that
//       fails once the generation moved on, so a late worker can never run a newer call's chunk twice
//   [2] chunks finished (the caller waits for it to reach [3])
//   [3] chunk count   [4] kernel index   [5] argument count   [6] 1 if a chunk trapped
//   [7] workers allowed to take part (setNumThreads − 1)
//   [8 + w] 1 once worker w is ready      [71 + w] chunks worker w has run (for tests and tuning)
//   bytes TABLE_OFFSET...: MAX_CHUNKS rows of MAX_JOB_ARGS float64 arguments

/** Most arguments a kernel job can take. */
export const MAX_JOB_ARGS = 24;
/** Most chunks one parallel call can be split into (the claim word keeps 12 bits for the index). */
export const MAX_CHUNKS = 64;
/** Most worker threads. */
export const MAX_WORKERS = 63;
/** Byte offset of the argument table in the control block. */
export const TABLE_OFFSET = 1024;
/** Bytes of the whole control block. */
export const CONTROL_BYTES = TABLE_OFFSET + MAX_CHUNKS * MAX_JOB_ARGS * 8;
/** Milliseconds an idle thread polls for the next call (or for the last chunk) before sleeping:
 *  calls tend to come back to back, and waking a sleeping thread (on a VM: a halted virtual CPU)
 *  can take longer than a small chunk itself. */
export const SPIN_MS = 0.5;

/** Slots of the control block (Int32 indices). */
export const SLOT = { wake: 0, claim: 1, finished: 2, chunks: 3, kernel: 4, argc: 5, trapped: 6, allowed: 7, ready: 8, workerChunks: 8 + MAX_WORKERS } as const;

/**
 * Claims the next chunk of generation `gen` (of `chunks` chunks), or returns −1 when none is left
 * or a newer call has started. Shared verbatim by the calling thread and the worker source.
 */
export function claimChunk(ctl: Int32Array, gen: number, chunks: number): number {
  for (;;) {
    const word = Atomics.load(ctl, 1);
    if (word >>> 12 !== gen) return -1;
    const index = word & 0xfff;
    if (index >= chunks) return -1;
    if (Atomics.compareExchange(ctl, 1, word, word + 1) === word) return index;
  }
}

export const workerBody = `
${claimChunk.toString()}
host.on(async (init) => {
  const { module, memory, control, names, index } = init;
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const fns = names.map((n) => instance.exports[n]);
  const ctl = new Int32Array(memory.buffer, control, ${TABLE_OFFSET / 4});
  const table = new Float64Array(memory.buffer, control + ${TABLE_OFFSET}, ${MAX_CHUNKS * MAX_JOB_ARGS});
  Atomics.store(ctl, ${SLOT.ready} + index, 1);
  host.post("ready");
  let seen = Atomics.load(ctl, ${SLOT.wake});
  for (;;) {
    const spinUntil = performance.now() + ${SPIN_MS};
    while (Atomics.load(ctl, ${SLOT.wake}) === seen && performance.now() < spinUntil);
    Atomics.wait(ctl, ${SLOT.wake}, seen);
    seen = Atomics.load(ctl, ${SLOT.wake});
    if (index >= Atomics.load(ctl, ${SLOT.allowed})) continue;
    // Read the call's description first; a successful claim proves it was this generation's.
    const gen = Atomics.load(ctl, ${SLOT.claim}) >>> 12;
    const chunks = ctl[${SLOT.chunks}], fn = fns[ctl[${SLOT.kernel}]], argc = ctl[${SLOT.argc}];
    for (let c = claimChunk(ctl, gen, chunks); c >= 0; c = claimChunk(ctl, gen, chunks)) {
      try {
        fn(...table.subarray(c * ${MAX_JOB_ARGS}, c * ${MAX_JOB_ARGS} + argc));
      } catch (e) {
        Atomics.store(ctl, ${SLOT.trapped}, 1);
      }
      Atomics.add(ctl, ${SLOT.workerChunks} + index, 1);
      if (Atomics.add(ctl, ${SLOT.finished}, 1) + 1 === chunks) Atomics.notify(ctl, ${SLOT.finished});
    }
  }
});
`;
