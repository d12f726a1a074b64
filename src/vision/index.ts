// vision: building blocks for images (augmentation transforms; datasets live in data).
export * as transforms from "./transforms/index.js";
