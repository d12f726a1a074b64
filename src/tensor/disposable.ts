// Declares Symbol.dispose for programs compiled with a lib older than esnext.disposable (TypeScript's
// targets es2020-es2024), so deepscript's declarations type-check there; `t[Symbol.dispose]()` then works
// too, and `using` still needs the consumer's lib to have Disposable. Same declaration as TypeScript's lib
// and @types/node, with which it merges.
export {};

declare global {
  interface SymbolConstructor {
    /** The method a `using` declaration calls when its block ends (explicit resource management). */
    readonly dispose: unique symbol;
  }
}
