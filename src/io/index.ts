// io: safetensors checkpoints and JSON sidecars.
export { serialize, deserialize, SAFETENSORS_DTYPE, MAX_HEADER_BYTES } from "./safetensors.js";
export type { SafetensorsFile } from "./safetensors.js";
export { save, load, saveCheckpoint, loadCheckpoint, serializeCheckpoint, deserializeCheckpoint, sidecarPath, encodeSidecar, decodeSidecar, SIDECAR_HASH_KEY } from "./checkpoint.js";
export type { Checkpoint } from "./checkpoint.js";
export { encodeState, decodeState, MAX_STATE_DEPTH } from "./stateJson.js";
export type { StateValue } from "./stateJson.js";
