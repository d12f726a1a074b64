// nn.functional: stateless activations, losses and layer functions (PyTorch's torch.nn.functional).
export * from "./activations.js";
export * from "./losses.js";
export * from "./layers.js";
