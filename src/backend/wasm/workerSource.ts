// Source of the pool's worker (classic-script JS, shared by Node and browsers): it instantiates the
// kernel module on the shared memory, then sleeps in Atomics.wait until the main thread posts a job.
//
// Control block of one worker, Int32 slots from its byte offset (64-byte aligned):
//   [0] job sequence number, bumped by the main thread to post a job
//   [1] sequence number of the last finished job, set by the worker (main waits on it)
//   [2] index of the kernel in `names` (-1: exit)   [3] argument count
//   [4] status of the last job (0 ok, 1 trapped)    [5] 1 once the worker is ready
//   bytes 32..224: up to 24 float64 arguments

/** Milliseconds an idle thread polls for the next job (or a worker's result) before sleeping. */
export const SPIN_MS = 0.5;
/** Bytes of control block per worker. */
export const CONTROL_BYTES = 256;
/** Most arguments a kernel job can take. */
export const MAX_JOB_ARGS = 24;

export const workerBody = `
host.on(async (init) => {
  const { module, memory, control, names } = init;
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const fns = names.map((n) => instance.exports[n]);
  const ctl = new Int32Array(memory.buffer, control, 8);
  const args = new Float64Array(memory.buffer, control + 32, ${MAX_JOB_ARGS});
  Atomics.store(ctl, 5, 1);
  host.post("ready");
  let seen = 0;
  for (;;) {
    // Spin briefly before sleeping: jobs tend to come back to back, and waking a sleeping thread
    // (on a VM: a halted virtual CPU) can take longer than a small job itself.
    const spinUntil = performance.now() + ${SPIN_MS};
    while (Atomics.load(ctl, 0) === seen && performance.now() < spinUntil);
    Atomics.wait(ctl, 0, seen);
    const seq = Atomics.load(ctl, 0);
    if (seq === seen) continue;
    seen = seq;
    const index = ctl[2];
    if (index < 0) break;
    let status = 0;
    try {
      fns[index](...args.subarray(0, ctl[3]));
    } catch (e) {
      status = 1;
    }
    ctl[4] = status;
    Atomics.store(ctl, 1, seq);
    Atomics.notify(ctl, 1);
  }
});
`;
