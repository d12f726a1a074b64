// The WASM kernels' host in a browser bundle (package.json "browser" puts this file in place of hostPlatform.ts).
export { browserPlatform as hostPlatform } from "./browserPlatform.js";
