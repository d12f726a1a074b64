// VGG (Simonyan & Zisserman 2014, arXiv:1409.1556) as torchvision's models/vgg.py: a stack of 3×3
// convolutions and 2×2 max-pools given by a config list, then a three-layer classifier; torchvision's
// keys and init, with the pooled size and classifier width as options for small images.
import type { Tensor } from "../../tensor/Tensor.js";
import type { Generator } from "../../random/Generator.js";
import type { DType } from "../../tensor/dtype.js";
import { Module } from "../../nn/Module.js";
import { Sequential, type TensorModule } from "../../nn/containers.js";
import { Conv2d } from "../../nn/Conv.js";
import { BatchNorm2d } from "../../nn/BatchNorm.js";
import { ReLU } from "../../nn/activations.js";
import { Dropout } from "../../nn/Dropout.js";
import { MaxPool2d, AdaptiveAvgPool2d } from "../../nn/pooling.js";
import { Linear } from "../../nn/Linear.js";
import { checkOptions } from "../../ops/pooling.js";
import * as init from "../../nn/init.js";
import { noGrad } from "../../autograd/engine.js";
import { modelInt, modelProb } from "./checks.js";

/** A VGG config: output channels of each 3×3 convolution, "M" for a 2×2 max-pool. */
export type VGGConfig = readonly (number | "M")[];

/** torchvision's configs: A (VGG-11), B (VGG-13), D (VGG-16), E (VGG-19). */
export const vggConfigs: Record<"vgg11" | "vgg13" | "vgg16" | "vgg19", VGGConfig> = {
  vgg11: [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
  vgg13: [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
  vgg16: [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
  vgg19: [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
};

/**
 * Options of {@link VGG} and the `vgg*` constructors: classes, input channels, batch norm after each
 * convolution, the pooled size before the classifier, the classifier width, dropout and dtype.
 */
export interface VGGOptions {
  numClasses?: number;
  inChannels?: number;
  /** A BatchNorm2d after every convolution (torchvision's vgg11_bn …). Default false. */
  batchNorm?: boolean;
  /** The adaptive average pool's output size before the classifier (default 7; 1 suits 32×32 images). */
  poolSize?: number;
  /** Width of the two hidden classifier layers (default 4096). */
  hidden?: number;
  /** Dropout before the second and third classifier layers (default 0.5). */
  dropout?: number;
  dtype?: DType;
  generator?: Generator;
}

/**
 * VGG: `features` (the config's convolutions, each followed by [BN and] ReLU, and max-pools) →
 * adaptive average pool to poolSize² → `classifier` (Linear, ReLU, Dropout, Linear, ReLU, Dropout,
 * Linear). With the defaults, `vgg16()` is torchvision's vgg16 (138 M parameters); for 32×32 images
 * use e.g. `vgg11({ numClasses: 10, batchNorm: true, poolSize: 1, hidden: 512 })`.
 */
export class VGG extends Module {
  readonly features: Sequential;
  readonly avgpool: AdaptiveAvgPool2d;
  /** The classifier head; assign a new layer to transfer the net to other classes. */
  classifier: TensorModule;
  constructor(config: VGGConfig, options: VGGOptions = {}) {
    super();
    const o = checkOptions("VGG", options, ["numClasses", "inChannels", "batchNorm", "poolSize", "hidden", "dropout", "dtype", "generator"]) as VGGOptions;
    if (!Array.isArray(config) || config.length === 0 || !config.some((v) => v !== "M")) throw new Error("VGG: config must be a list of channel counts and \"M\" with at least one convolution");
    const numClasses = modelInt("VGG", "numClasses", o.numClasses ?? 1000, 1);
    const poolSize = modelInt("VGG", "poolSize", o.poolSize ?? 7, 1);
    const hidden = modelInt("VGG", "hidden", o.hidden ?? 4096, 1);
    const p = modelProb("VGG", "dropout", o.dropout ?? 0.5);
    const dtype = o.dtype ?? "float32";
    const generator = o.generator;

    const layers: TensorModule[] = [];
    let channels = modelInt("VGG", "inChannels", o.inChannels ?? 3, 1);
    config.forEach((v, i) => {
      if (v === "M") {
        layers.push(new MaxPool2d(2, { stride: 2 }));
        return;
      }
      const out = modelInt("VGG", `config[${i}]`, v, 1);
      layers.push(new Conv2d(channels, out, 3, { padding: 1, dtype, generator }));
      if (o.batchNorm) layers.push(new BatchNorm2d(out, { dtype }));
      layers.push(new ReLU());
      channels = out;
    });
    this.features = new Sequential(...layers);
    this.avgpool = new AdaptiveAvgPool2d([poolSize, poolSize]);
    this.classifier = new Sequential(
      new Linear(channels * poolSize * poolSize, hidden, { dtype, generator }), new ReLU(), new Dropout(p, { generator }),
      new Linear(hidden, hidden, { dtype, generator }), new ReLU(), new Dropout(p, { generator }),
      new Linear(hidden, numClasses, { dtype, generator }),
    );

    noGrad(() => {
      for (const m of this.modules()) {
        if (m instanceof Conv2d) {
          init.kaimingNormal(m.weight, { mode: "fanOut", nonlinearity: "relu", generator });
          init.constant(m.bias!, 0);
        } else if (m instanceof BatchNorm2d) {
          init.constant(m.weight!, 1);
          init.constant(m.bias!, 0);
        } else if (m instanceof Linear) {
          init.normal(m.weight, 0, 0.01, { generator });
          init.constant(m.bias!, 0);
        }
      }
    });
  }
  forward(x: Tensor): Tensor {
    const h = this.avgpool.call(this.features.call(x)); // (N, C, poolSize, poolSize)
    return this.classifier.call(h.flatten(1)); // (N, C·poolSize²) → (N, classes)
  }
}

/** VGG-11 (torchvision's config A; `batchNorm: true` gives vgg11_bn). */
export const vgg11 = (options: VGGOptions = {}): VGG => new VGG(vggConfigs.vgg11, options);
/** VGG-13 (torchvision's config B; `batchNorm: true` gives vgg13_bn). */
export const vgg13 = (options: VGGOptions = {}): VGG => new VGG(vggConfigs.vgg13, options);
/** VGG-16 (torchvision's config D; `batchNorm: true` gives vgg16_bn). */
export const vgg16 = (options: VGGOptions = {}): VGG => new VGG(vggConfigs.vgg16, options);
/** VGG-19 (torchvision's config E; `batchNorm: true` gives vgg19_bn). */
export const vgg19 = (options: VGGOptions = {}): VGG => new VGG(vggConfigs.vgg19, options);
