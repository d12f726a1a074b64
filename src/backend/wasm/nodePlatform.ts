// Node.js host for the WASM kernels: worker_threads (unref'd), os.availableParallelism, V8 flags.
import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";
import type { WasmPlatform, WorkerLike } from "./platform.js";

// An ES module (data: URL), so it runs the same whatever module type the parent process defaults to.
const prelude = `
import { parentPort } from "node:worker_threads";
const host = { on: (h) => parentPort.on("message", h), post: (m) => parentPort.postMessage(m) };
`;

export const nodePlatform: WasmPlatform = {
  name: "node",
  hardwareConcurrency: () => availableParallelism(),
  canBlock: true,
  maxMemoryPages: 65536,
  enableRelaxedSimd() {
    // Relaxed SIMD ships unflagged from V8 11.4 (Node 22); Node 20 (V8 11.3) implements it behind
    // this flag. V8 reads it when a module is validated, so setting it now takes effect.
    setFlagsFromString("--experimental-wasm-relaxed-simd");
  },
  spawnWorker(body: string): WorkerLike {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(prelude + body)}`));
    // The worker stays referenced while it starts (so that awaiting its readiness keeps the
    // process alive); after its first message it only sleeps in Atomics.wait between jobs, so it
    // is unref'd then to let the process exit around it. A "message" listener refs the worker
    // again (nodejs/node#53036), hence the unref inside the listener.
    return {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (handler) => {
        worker.on("message", (message) => {
          handler(message);
          worker.unref();
        });
      },
      onError: (handler) => {
        worker.on("error", (error) => {
          handler(error);
          worker.unref();
        });
      },
      terminate: () => void worker.terminate(),
    };
  },
};
