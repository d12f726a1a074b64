// DenseNet-BC (Huang et al. 2016, arXiv:1608.06993) as torchvision's models/densenet.py: dense layers
// (BN-ReLU-1×1 bottleneck, BN-ReLU-3×3), dense blocks that concatenate, transitions that halve the
// channels and the resolution; torchvision's state-dict keys, densenet121…201 and the CIFAR-shaped
// densenetBC (depth 100, growth rate 12) for 28×28 and 32×32 images.
import type { Tensor } from "../../tensor/Tensor.js";
import type { Generator } from "../../random/Generator.js";
import type { DType } from "../../tensor/dtype.js";
import { Module } from "../../nn/Module.js";
import type { TensorModule } from "../../nn/containers.js";
import { Conv2d } from "../../nn/Conv.js";
import { BatchNorm2d } from "../../nn/BatchNorm.js";
import { ReLU } from "../../nn/activations.js";
import { dropout } from "../../nn/functional/layers.js";
import { AvgPool2d, MaxPool2d } from "../../nn/pooling.js";
import { Identity, Linear } from "../../nn/Linear.js";
import { cat } from "../../ops/movement.js";
import { adaptiveAvgPool2d, checkOptions } from "../../ops/pooling.js";
import * as init from "../../nn/init.js";
import { noGrad } from "../../autograd/engine.js";
import { NamedSequential } from "./NamedSequential.js";
import { modelInt, modelIntList, modelProb } from "./checks.js";

interface LayerOptions {
  dtype: DType;
  generator?: Generator;
}

/**
 * One dense layer: BN → ReLU → 1×1 conv to bnSize·k channels → BN → ReLU → 3×3 conv to k channels
 * (the "B" of DenseNet-BC), then dropout. Its input is the concatenation of all earlier feature maps.
 */
export class DenseLayer extends Module {
  readonly norm1: BatchNorm2d;
  readonly relu1 = new ReLU();
  readonly conv1: Conv2d;
  readonly norm2: BatchNorm2d;
  readonly relu2 = new ReLU();
  readonly conv2: Conv2d;
  /** Functional dropout, as torchvision (so there is no dropout child and the layer list matches). */
  private readonly _dropRate: number;
  private readonly _generator: Generator | undefined;
  constructor(numInputFeatures: number, growthRate: number, bnSize: number, dropRate: number, o: LayerOptions) {
    super();
    this.norm1 = new BatchNorm2d(numInputFeatures, { dtype: o.dtype });
    this.conv1 = new Conv2d(numInputFeatures, bnSize * growthRate, 1, { bias: false, dtype: o.dtype, generator: o.generator });
    this.norm2 = new BatchNorm2d(bnSize * growthRate, { dtype: o.dtype });
    this.conv2 = new Conv2d(bnSize * growthRate, growthRate, 3, { padding: 1, bias: false, dtype: o.dtype, generator: o.generator });
    this._dropRate = dropRate;
    this._generator = o.generator;
  }
  forward(concatenated: Tensor): Tensor {
    const bottleneck = this.conv1.call(this.relu1.call(this.norm1.call(concatenated)));
    const out = this.conv2.call(this.relu2.call(this.norm2.call(bottleneck)));
    return dropout(out, { p: this._dropRate, training: this.training, generator: this._generator });
  }
}

/** `numLayers` dense layers; each sees every earlier output, and the block returns them all concatenated. */
export class DenseBlock extends Module {
  private readonly _layers: DenseLayer[] = [];
  constructor(numLayers: number, numInputFeatures: number, growthRate: number, bnSize: number, dropRate: number, o: LayerOptions) {
    super();
    for (let i = 0; i < numLayers; i++) this._layers.push(new DenseLayer(numInputFeatures + i * growthRate, growthRate, bnSize, dropRate, o));
  }
  protected override members(): [string, unknown][] {
    return this._layers.map((layer, i) => [`denselayer${i + 1}`, layer]);
  }
  forward(x: Tensor): Tensor {
    const features = [x];
    for (const layer of this._layers) features.push(layer.call(cat(features, 1))); // (N, C + i·k, H, W) → (N, k, H, W)
    return cat(features, 1); // (N, C + L·k, H, W)
  }
}

/** Between blocks: BN → ReLU → 1×1 conv (compression: half the channels, the "C" of DenseNet-BC) → 2×2 average pool. */
export class Transition extends NamedSequential {
  constructor(numInputFeatures: number, numOutputFeatures: number, o: LayerOptions) {
    super([
      ["norm", new BatchNorm2d(numInputFeatures, { dtype: o.dtype })],
      ["relu", new ReLU()],
      ["conv", new Conv2d(numInputFeatures, numOutputFeatures, 1, { bias: false, dtype: o.dtype, generator: o.generator })],
      ["pool", new AvgPool2d(2, { stride: 2 })],
    ]);
  }
}

/**
 * Options of {@link DenseNet} (torchvision's arguments in camelCase): growth rate, layers per dense
 * block, stem width, bottleneck size, dropout, classes, input channels, the stem variant, dtype and the
 * generator of the initial weights.
 */
export interface DenseNetOptions {
  /** k, the channels each dense layer adds (default 32). */
  growthRate?: number;
  /** Dense layers per block (default [6, 12, 24, 16], densenet121). */
  blockConfig?: readonly number[];
  /** Channels of the stem convolution (default 64). */
  numInitFeatures?: number;
  /** The bottleneck is bnSize·k channels wide (default 4). */
  bnSize?: number;
  /** Dropout after each dense layer (default 0). */
  dropRate?: number;
  numClasses?: number;
  inChannels?: number;
  /**
   * "imagenet" (default): 7×7 stride-2 convolution, BN, ReLU, 3×3 stride-2 max-pool. "cifar": a 3×3
   * stride-1 convolution, BN, ReLU and no pool (`features.pool0` is an Identity), for 28×28 / 32×32.
   */
  stem?: "imagenet" | "cifar";
  dtype?: DType;
  generator?: Generator;
}

/**
 * DenseNet-BC: `features` (stem, dense blocks with transitions, final BN) → ReLU → global average
 * pool → `classifier`. Initialized as torchvision (Kaiming normal convolutions, BN 1/0, classifier
 * bias 0); keys as torchvision (`features.denseblock1.denselayer1.norm1.weight`,
 * `features.transition1.conv.weight`, `features.norm5.running_var`, `classifier.weight`).
 */
export class DenseNet extends Module {
  readonly features: NamedSequential;
  /** The classifier head; assign a new layer to transfer the net to other classes. */
  classifier: TensorModule;
  constructor(options: DenseNetOptions = {}) {
    super();
    const allowed = ["growthRate", "blockConfig", "numInitFeatures", "bnSize", "dropRate", "numClasses", "inChannels", "stem", "dtype", "generator"];
    const o = checkOptions("DenseNet", options, allowed) as DenseNetOptions;
    const growthRate = modelInt("DenseNet", "growthRate", o.growthRate ?? 32, 1);
    const blockConfig = modelIntList("DenseNet", "blockConfig", o.blockConfig ?? [6, 12, 24, 16], null, 1);
    const numInitFeatures = modelInt("DenseNet", "numInitFeatures", o.numInitFeatures ?? 64, 1);
    const bnSize = modelInt("DenseNet", "bnSize", o.bnSize ?? 4, 1);
    const dropRate = modelProb("DenseNet", "dropRate", o.dropRate ?? 0);
    const numClasses = modelInt("DenseNet", "numClasses", o.numClasses ?? 1000, 1);
    const inChannels = modelInt("DenseNet", "inChannels", o.inChannels ?? 3, 1);
    const stem = o.stem ?? "imagenet";
    if (stem !== "imagenet" && stem !== "cifar") throw new Error(`DenseNet: stem must be "imagenet" or "cifar", got ${JSON.stringify(stem)}`);
    const lo: LayerOptions = { dtype: o.dtype ?? "float32", generator: o.generator };

    const parts: [string, TensorModule][] = stem === "imagenet"
      ? [
        ["conv0", new Conv2d(inChannels, numInitFeatures, 7, { stride: 2, padding: 3, bias: false, ...lo })],
        ["norm0", new BatchNorm2d(numInitFeatures, { dtype: lo.dtype })],
        ["relu0", new ReLU()],
        ["pool0", new MaxPool2d(3, { stride: 2, padding: 1 })],
      ]
      : [
        ["conv0", new Conv2d(inChannels, numInitFeatures, 3, { padding: 1, bias: false, ...lo })],
        ["norm0", new BatchNorm2d(numInitFeatures, { dtype: lo.dtype })],
        ["relu0", new ReLU()],
        ["pool0", new Identity()],
      ];
    let numFeatures = numInitFeatures;
    blockConfig.forEach((numLayers, i) => {
      parts.push([`denseblock${i + 1}`, new DenseBlock(numLayers, numFeatures, growthRate, bnSize, dropRate, lo)]);
      numFeatures += numLayers * growthRate;
      if (i !== blockConfig.length - 1) {
        parts.push([`transition${i + 1}`, new Transition(numFeatures, Math.floor(numFeatures / 2), lo)]);
        numFeatures = Math.floor(numFeatures / 2);
      }
    });
    parts.push(["norm5", new BatchNorm2d(numFeatures, { dtype: lo.dtype })]);
    this.features = new NamedSequential(parts);
    const classifier = new Linear(numFeatures, numClasses, lo);
    this.classifier = classifier;

    noGrad(() => {
      for (const m of this.modules()) {
        if (m instanceof Conv2d) init.kaimingNormal(m.weight, { generator: lo.generator });
        else if (m instanceof BatchNorm2d) {
          init.constant(m.weight!, 1);
          init.constant(m.bias!, 0);
        }
      }
      init.constant(classifier.bias!, 0);
    });
  }
  forward(x: Tensor): Tensor {
    // ReLU and pooling are functional here, as in torchvision (so the module list matches).
    const h = adaptiveAvgPool2d(this.features.call(x).relu(), [1, 1]);
    return this.classifier.call(h.flatten(1)); // (N, C, 1, 1) → (N, C) → (N, classes)
  }
}

/** DenseNet-121: k = 32, blocks [6, 12, 24, 16], 64 stem channels (8.0 M parameters with 1000 classes). */
export const densenet121 = (options: Omit<DenseNetOptions, "growthRate" | "blockConfig" | "numInitFeatures"> = {}): DenseNet =>
  new DenseNet({ ...options, growthRate: 32, blockConfig: [6, 12, 24, 16], numInitFeatures: 64 });
/** DenseNet-169: k = 32, blocks [6, 12, 32, 32]. */
export const densenet169 = (options: Omit<DenseNetOptions, "growthRate" | "blockConfig" | "numInitFeatures"> = {}): DenseNet =>
  new DenseNet({ ...options, growthRate: 32, blockConfig: [6, 12, 32, 32], numInitFeatures: 64 });
/** DenseNet-201: k = 32, blocks [6, 12, 48, 32]. */
export const densenet201 = (options: Omit<DenseNetOptions, "growthRate" | "blockConfig" | "numInitFeatures"> = {}): DenseNet =>
  new DenseNet({ ...options, growthRate: 32, blockConfig: [6, 12, 48, 32], numInitFeatures: 64 });

/**
 * The paper's CIFAR DenseNet-BC of the given depth (default 100) and growth rate (default 12): three
 * blocks of (depth − 4) / 6 dense layers, 2k stem channels, the "cifar" stem, 10 classes by default
 * (0.8 M parameters at depth 100, k = 12; Huang et al. Table 2).
 */
export function densenetBC(options: Omit<DenseNetOptions, "blockConfig" | "numInitFeatures" | "stem"> & { depth?: number } = {}): DenseNet {
  const { depth = 100, ...rest } = options;
  if (!Number.isInteger(depth) || depth < 10 || (depth - 4) % 6 !== 0) throw new Error(`densenetBC: depth must be 6n + 4 with n ≥ 1, got ${depth}`);
  const k = rest.growthRate ?? 12;
  const n = (depth - 4) / 6;
  return new DenseNet({ numClasses: 10, ...rest, growthRate: k, blockConfig: [n, n, n], numInitFeatures: 2 * k, stem: "cifar" });
}
