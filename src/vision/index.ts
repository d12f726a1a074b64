// vision: building blocks for images (augmentation transforms, reference models; datasets live in data).
export * as transforms from "./transforms/index.js";
export * as models from "./models/index.js";
