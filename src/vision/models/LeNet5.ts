// LeNet-5 (LeCun et al. 1998, "Gradient-based learning applied to document recognition"): two 5×5
// convolutions with subsampling, then 120-84-10 fully connected layers — the first CNN of the course.
import type { Tensor } from "../../tensor/Tensor.js";
import type { Generator } from "../../random/Generator.js";
import type { DType } from "../../tensor/dtype.js";
import { Module } from "../../nn/Module.js";
import type { TensorModule } from "../../nn/containers.js";
import { Conv2d } from "../../nn/Conv.js";
import { ReLU, Sigmoid, Tanh } from "../../nn/activations.js";
import { AvgPool2d, MaxPool2d } from "../../nn/pooling.js";
import { Linear } from "../../nn/Linear.js";
import { checkOptions } from "../../ops/pooling.js";
import { modelInt } from "./checks.js";

/**
 * Options of {@link LeNet5}: classes, input channels, image size (28 or 32), activation, pooling, dtype and
 * the generator of the initial weights.
 */
export interface LeNet5Options {
  numClasses?: number;
  inChannels?: number;
  /** Side of the (square) input images: 28 (default; conv1 pads by 2, as d2l's LeNet) or 32 (no padding, the paper's). */
  imageSize?: 28 | 32;
  /** "tanh" (default, the paper's squashing function), "relu" or "sigmoid" (d2l). */
  activation?: "tanh" | "relu" | "sigmoid";
  /** "avg" (default, the paper's subsampling) or "max". */
  pool?: "avg" | "max";
  dtype?: DType;
  generator?: Generator;
}

/**
 * LeNet-5: conv1 5×5 → 6 → act → pool 2 → conv2 5×5 → 16 → act → pool 2 → fc1 400 → 120 → act →
 * fc2 84 → act → fc3 → classes. 61,706 parameters for 10 classes (the paper's C1, C3, C5, F6 and
 * output layer, with full C3 connections and a linear output instead of RBF units).
 */
export class LeNet5 extends Module {
  readonly conv1: Conv2d;
  readonly act1: TensorModule;
  readonly pool1: TensorModule;
  readonly conv2: Conv2d;
  readonly act2: TensorModule;
  readonly pool2: TensorModule;
  readonly fc1: Linear;
  readonly act3: TensorModule;
  readonly fc2: Linear;
  readonly act4: TensorModule;
  /** The classifier head; assign a new layer to transfer the net to other classes. */
  fc3: TensorModule;
  constructor(options: LeNet5Options = {}) {
    super();
    const o = checkOptions("LeNet5", options, ["numClasses", "inChannels", "imageSize", "activation", "pool", "dtype", "generator"]) as LeNet5Options;
    const numClasses = modelInt("LeNet5", "numClasses", o.numClasses ?? 10, 1);
    const inChannels = modelInt("LeNet5", "inChannels", o.inChannels ?? 1, 1);
    const imageSize = o.imageSize ?? 28;
    if (imageSize !== 28 && imageSize !== 32) throw new Error(`LeNet5: imageSize must be 28 or 32, got ${String(imageSize)}`);
    const act = (): TensorModule => {
      switch (o.activation ?? "tanh") {
        case "tanh": return new Tanh();
        case "relu": return new ReLU();
        case "sigmoid": return new Sigmoid();
        default: throw new Error(`LeNet5: activation must be "tanh", "relu" or "sigmoid", got ${JSON.stringify(o.activation)}`);
      }
    };
    const pool = (): TensorModule => {
      switch (o.pool ?? "avg") {
        case "avg": return new AvgPool2d(2, { stride: 2 });
        case "max": return new MaxPool2d(2, { stride: 2 });
        default: throw new Error(`LeNet5: pool must be "avg" or "max", got ${JSON.stringify(o.pool)}`);
      }
    };
    const common = { dtype: o.dtype, generator: o.generator };
    this.conv1 = new Conv2d(inChannels, 6, 5, { padding: imageSize === 28 ? 2 : 0, ...common }); // → (N, 6, 28, 28)
    this.act1 = act();
    this.pool1 = pool(); // → (N, 6, 14, 14)
    this.conv2 = new Conv2d(6, 16, 5, common); // → (N, 16, 10, 10)
    this.act2 = act();
    this.pool2 = pool(); // → (N, 16, 5, 5)
    this.fc1 = new Linear(16 * 5 * 5, 120, common);
    this.act3 = act();
    this.fc2 = new Linear(120, 84, common);
    this.act4 = act();
    this.fc3 = new Linear(84, numClasses, common);
  }
  forward(x: Tensor): Tensor {
    let h = this.pool1.call(this.act1.call(this.conv1.call(x)));
    h = this.pool2.call(this.act2.call(this.conv2.call(h))).flatten(1); // (N, 16, 5, 5) → (N, 400)
    h = this.act4.call(this.fc2.call(this.act3.call(this.fc1.call(h))));
    return this.fc3.call(h);
  }
}
