// Browser host for the WASM kernels: Web Workers from a Blob URL, navigator.hardwareConcurrency.
// Threads need a cross-origin-isolated page (COOP/COEP headers) so that SharedArrayBuffer exists.
import type { WasmPlatform, WorkerLike } from "./platform.js";

const prelude = `
const host = { on: (h) => { self.onmessage = (e) => h(e.data); }, post: (m) => self.postMessage(m) };
`;

interface BrowserGlobals {
  navigator?: { hardwareConcurrency?: number };
  Worker?: new (url: string) => {
    postMessage(m: unknown): void;
    onmessage: ((e: { data: unknown }) => void) | null;
    onerror: ((e: unknown) => void) | null;
    terminate(): void;
  };
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL: { createObjectURL(blob: object): string };
  document?: unknown;
}

export const browserPlatform: WasmPlatform = {
  name: "browser",
  hardwareConcurrency: () => (globalThis as unknown as BrowserGlobals).navigator?.hardwareConcurrency ?? 1,
  // Atomics.wait throws on a window's main thread; inside a worker it is allowed.
  canBlock: (globalThis as unknown as BrowserGlobals).document === undefined,
  maxMemoryPages: 16384,
  enableRelaxedSimd() {
    // Browsers that implement relaxed SIMD enable it by default; nothing to switch on.
  },
  spawnWorker(body: string): WorkerLike {
    const g = globalThis as unknown as BrowserGlobals;
    if (!g.Worker || !g.Blob) throw new Error("wasm threads: this environment has no Web Worker support");
    const url = g.URL.createObjectURL(new g.Blob([prelude + body], { type: "text/javascript" }));
    const worker = new g.Worker(url);
    return {
      postMessage: (message) => worker.postMessage(message),
      onMessage: (handler) => {
        worker.onmessage = (event) => handler(event.data);
      },
      onError: (handler) => {
        worker.onerror = handler;
      },
      terminate: () => worker.terminate(),
    };
  },
};
