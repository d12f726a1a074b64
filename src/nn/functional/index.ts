// nn.functional: stateless activations, losses and layer functions (PyTorch's torch.nn.functional).
export * from "./activations.js";
export * from "./losses.js";
export * from "./layers.js";
export { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, unfold, fold, toeplitz2d } from "../../ops/conv.js";
export type { ConvOptions, ConvTransposeOptions, UnfoldOptions, IntOrTuple } from "../../ops/conv.js";
