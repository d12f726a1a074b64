// The slice of the WebAssembly JS API the kernels use, typed here because the project compiles
// without the DOM lib (where TypeScript declares WebAssembly) and @types/node 20 lacks it.

/** A compiled module (opaque; can be posted to workers). */
export interface WasmModule {
  readonly __wasmModule?: never;
}

export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}

export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

export interface WasmMemoryDescriptor {
  initial: number;
  maximum?: number;
  shared?: boolean;
}

interface WebAssemblyNamespace {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
  /** Synchronous compilation (browsers refuse it on the main thread above a size limit: 8 MB in Chrome). */
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (descriptor: WasmMemoryDescriptor) => WasmMemory;
}

/** The engine's WebAssembly object (Node ≥ 16, every current browser). */
export const WebAssemblyApi: WebAssemblyNamespace = (globalThis as unknown as { WebAssembly: WebAssemblyNamespace }).WebAssembly;
