// onnx: export deepscript models to ONNX files and import ONNX files as trainable modules.
export { exportModel, exportModelBytes, DEFAULT_EXPORT_OPSET, MIN_EXPORT_OPSET, MAX_EXPORT_OPSET } from "./export.js";
export type { ExampleArg, ExportOptions } from "./export.js";
export { registerModuleExporter } from "./moduleExporters.js";
export type { ModuleClass } from "./moduleExporters.js";
export { GraphBuilder } from "./GraphBuilder.js";
export type { ExportArg, ModuleExporter, OnnxAttribute } from "./GraphBuilder.js";
export { importModel, importModelBytes, supportedOperators, MIN_IMPORT_OPSET, MAX_IMPORT_OPSET } from "./import.js";
export { OnnxModule } from "./OnnxModule.js";
