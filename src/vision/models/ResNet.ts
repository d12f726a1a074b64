// ResNet (He et al. 2015, arXiv:1512.03385) as torchvision's models/resnet.py: BasicBlock, Bottleneck,
// ResNet and the resnet18…resnet152 constructors, with torchvision's state-dict keys; a "cifar" stem
// (3×3 convolution, no max-pool) shapes the same nets for 28×28 and 32×32 images.
import type { Tensor } from "../../tensor/Tensor.js";
import type { Generator } from "../../random/Generator.js";
import type { DType } from "../../tensor/dtype.js";
import { Module } from "../../nn/Module.js";
import { Sequential, type TensorModule } from "../../nn/containers.js";
import { Conv2d } from "../../nn/Conv.js";
import { BatchNorm2d } from "../../nn/BatchNorm.js";
import { ReLU } from "../../nn/activations.js";
import { MaxPool2d, AdaptiveAvgPool2d } from "../../nn/pooling.js";
import { Identity, Linear } from "../../nn/Linear.js";
import { checkOptions } from "../../ops/pooling.js";
import * as init from "../../nn/init.js";
import { noGrad } from "../../autograd/engine.js";
import { modelInt, modelIntList } from "./checks.js";

/** What every block constructor receives besides its channel counts. */
interface BlockOptions {
  stride: number;
  downsample: TensorModule | null;
  dtype: DType;
  generator?: Generator;
}

const conv3x3 = (inPlanes: number, outPlanes: number, stride: number, o: BlockOptions) =>
  new Conv2d(inPlanes, outPlanes, 3, { stride, padding: 1, bias: false, dtype: o.dtype, generator: o.generator });
const conv1x1 = (inPlanes: number, outPlanes: number, stride: number, o: BlockOptions) =>
  new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false, dtype: o.dtype, generator: o.generator });

/** Two 3×3 convolutions and a shortcut: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)). */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu = new ReLU();
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  /** 1×1 convolution + batch norm where the shape changes (stride or width), else null (identity). */
  readonly downsample: TensorModule | null;
  constructor(inPlanes: number, planes: number, o: BlockOptions) {
    super();
    this.conv1 = conv3x3(inPlanes, planes, o.stride, o);
    this.bn1 = new BatchNorm2d(planes, { dtype: o.dtype });
    this.conv2 = conv3x3(planes, planes, 1, o);
    this.bn2 = new BatchNorm2d(planes, { dtype: o.dtype });
    this.downsample = o.downsample;
  }
  /** The batch norm whose scale `zeroInitResidual` sets to 0, so that the block starts as the identity. */
  get lastBn(): BatchNorm2d {
    return this.bn2;
  }
  forward(x: Tensor): Tensor {
    const out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    const residual = this.bn2.call(this.conv2.call(out));
    const identity = this.downsample === null ? x : this.downsample.call(x);
    return this.relu.call(residual.add(identity));
  }
}

/**
 * 1×1 reduce, 3×3 (with the stride, as torchvision "ResNet V1.5"), 1×1 expand by 4, and a shortcut.
 */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly conv2: Conv2d;
  readonly bn2: BatchNorm2d;
  readonly conv3: Conv2d;
  readonly bn3: BatchNorm2d;
  readonly relu = new ReLU();
  readonly downsample: TensorModule | null;
  constructor(inPlanes: number, planes: number, o: BlockOptions) {
    super();
    this.conv1 = conv1x1(inPlanes, planes, 1, o);
    this.bn1 = new BatchNorm2d(planes, { dtype: o.dtype });
    this.conv2 = conv3x3(planes, planes, o.stride, o);
    this.bn2 = new BatchNorm2d(planes, { dtype: o.dtype });
    this.conv3 = conv1x1(planes, planes * Bottleneck.expansion, 1, o);
    this.bn3 = new BatchNorm2d(planes * Bottleneck.expansion, { dtype: o.dtype });
    this.downsample = o.downsample;
  }
  get lastBn(): BatchNorm2d {
    return this.bn3;
  }
  forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.relu.call(this.bn2.call(this.conv2.call(out)));
    const residual = this.bn3.call(this.conv3.call(out));
    const identity = this.downsample === null ? x : this.downsample.call(x);
    return this.relu.call(residual.add(identity));
  }
}

/** A residual block class: BasicBlock or Bottleneck. */
export type ResidualBlock = typeof BasicBlock | typeof Bottleneck;

/**
 * Options of {@link ResNet}: classes, input channels, the stem (ImageNet or CIFAR style), stage widths,
 * zero-initialized residual branches, dtype and the generator of the initial weights.
 */
export interface ResNetOptions {
  /** Output classes (default 1000, as torchvision). */
  numClasses?: number;
  /** Input channels (default 3; 1 for Fashion-MNIST). */
  inChannels?: number;
  /**
   * "imagenet" (default): 7×7 stride-2 convolution and 3×3 stride-2 max-pool, for 224×224 images.
   * "cifar": one 3×3 stride-1 convolution and no max-pool (`maxpool` is an Identity), the usual
   * shape for 28×28 and 32×32 images (He et al. §4.2; torchvision's resnet18 with `conv1` replaced
   * by a 3×3 convolution and `maxpool` by `nn.Identity()`).
   */
  stem?: "imagenet" | "cifar";
  /** Base widths of the four stages (default [64, 128, 256, 512]); smaller ones make quick test nets. */
  widths?: readonly number[];
  /** Start each block's last batch-norm scale at 0, so every residual branch starts as zero (Goyal et al. 2017). */
  zeroInitResidual?: boolean;
  dtype?: DType;
  generator?: Generator;
}

/**
 * ResNet: stem → four stages of residual blocks (stride 1, 2, 2, 2) → global average pool → linear.
 * `layers` gives the number of blocks per stage: [2, 2, 2, 2] is resnet18, [3, 4, 6, 3] with
 * Bottleneck is resnet50. Parameters are initialized as torchvision does (Kaiming normal, fan-out,
 * for convolutions; batch norms at scale 1 and shift 0), and the state-dict keys are torchvision's
 * (`conv1.weight`, `layer1.0.bn1.running_mean`, `layer2.0.downsample.0.weight`, `fc.bias`), so its
 * checkpoints load unchanged.
 * ```ts
 * const net = vision.models.resnet18({ inChannels: 1, numClasses: 10, stem: "cifar" }); // Fashion-MNIST
 * ```
 */
export class ResNet extends Module {
  readonly conv1: Conv2d;
  readonly bn1: BatchNorm2d;
  readonly relu = new ReLU();
  readonly maxpool: TensorModule;
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly layer3: Sequential;
  readonly layer4: Sequential;
  readonly avgpool = new AdaptiveAvgPool2d([1, 1]);
  /** The classifier head; assign a new layer to transfer the net to other classes. */
  fc: TensorModule;

  constructor(block: ResidualBlock, layers: readonly number[], options: ResNetOptions = {}) {
    super();
    const o = checkOptions("ResNet", options, ["numClasses", "inChannels", "stem", "widths", "zeroInitResidual", "dtype", "generator"]) as ResNetOptions;
    if (block !== BasicBlock && block !== Bottleneck) throw new Error("ResNet: block must be BasicBlock or Bottleneck");
    const depths = modelIntList("ResNet", "layers", layers, 4, 1);
    const widths = modelIntList("ResNet", "widths", o.widths ?? [64, 128, 256, 512], 4, 1);
    const numClasses = modelInt("ResNet", "numClasses", o.numClasses ?? 1000, 1);
    const inChannels = modelInt("ResNet", "inChannels", o.inChannels ?? 3, 1);
    const stem = o.stem ?? "imagenet";
    if (stem !== "imagenet" && stem !== "cifar") throw new Error(`ResNet: stem must be "imagenet" or "cifar", got ${JSON.stringify(stem)}`);
    const dtype = o.dtype ?? "float32";
    const generator = o.generator;

    let inPlanes = widths[0]!;
    this.conv1 = stem === "imagenet"
      ? new Conv2d(inChannels, inPlanes, 7, { stride: 2, padding: 3, bias: false, dtype, generator })
      : new Conv2d(inChannels, inPlanes, 3, { stride: 1, padding: 1, bias: false, dtype, generator });
    this.bn1 = new BatchNorm2d(inPlanes, { dtype });
    this.maxpool = stem === "imagenet" ? new MaxPool2d(3, { stride: 2, padding: 1 }) : new Identity();

    // One stage: the first block changes stride/width (with a 1×1 projection shortcut), the rest keep it.
    const makeLayer = (planes: number, blocks: number, stride: number): Sequential => {
      const outPlanes = planes * block.expansion;
      const downsample = stride !== 1 || inPlanes !== outPlanes
        ? new Sequential(conv1x1(inPlanes, outPlanes, stride, { stride, downsample: null, dtype, generator }), new BatchNorm2d(outPlanes, { dtype }))
        : null;
      const stage: TensorModule[] = [new block(inPlanes, planes, { stride, downsample, dtype, generator })];
      inPlanes = outPlanes;
      for (let i = 1; i < blocks; i++) stage.push(new block(inPlanes, planes, { stride: 1, downsample: null, dtype, generator }));
      return new Sequential(...stage);
    };
    this.layer1 = makeLayer(widths[0]!, depths[0]!, 1);
    this.layer2 = makeLayer(widths[1]!, depths[1]!, 2);
    this.layer3 = makeLayer(widths[2]!, depths[2]!, 2);
    this.layer4 = makeLayer(widths[3]!, depths[3]!, 2);
    this.fc = new Linear(widths[3]! * block.expansion, numClasses, { dtype, generator });

    noGrad(() => {
      for (const m of this.modules()) {
        if (m instanceof Conv2d) init.kaimingNormal(m.weight, { mode: "fanOut", nonlinearity: "relu", generator });
        else if (m instanceof BatchNorm2d) {
          init.constant(m.weight!, 1);
          init.constant(m.bias!, 0);
        }
      }
      if (o.zeroInitResidual) {
        for (const m of this.modules()) if (m instanceof BasicBlock || m instanceof Bottleneck) init.constant(m.lastBn.weight!, 0);
      }
    });
  }

  /** Everything before the classifier: (N, C, H, W) → (N, features) pooled features. */
  features(x: Tensor): Tensor {
    let h = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(x))));
    h = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(h))));
    return this.avgpool.call(h).flatten(1); // (N, C, 1, 1) → (N, C)
  }

  forward(x: Tensor): Tensor {
    return this.fc.call(this.features(x));
  }
}

/** ResNet-18: BasicBlock, [2, 2, 2, 2] (11.7 M parameters with 1000 classes, 11.2 M with 10). */
export const resnet18 = (options: ResNetOptions = {}): ResNet => new ResNet(BasicBlock, [2, 2, 2, 2], options);
/** ResNet-34: BasicBlock, [3, 4, 6, 3]. */
export const resnet34 = (options: ResNetOptions = {}): ResNet => new ResNet(BasicBlock, [3, 4, 6, 3], options);
/** ResNet-50: Bottleneck, [3, 4, 6, 3] (25.6 M parameters with 1000 classes). */
export const resnet50 = (options: ResNetOptions = {}): ResNet => new ResNet(Bottleneck, [3, 4, 6, 3], options);
/** ResNet-101: Bottleneck, [3, 4, 23, 3]. */
export const resnet101 = (options: ResNetOptions = {}): ResNet => new ResNet(Bottleneck, [3, 4, 23, 3], options);
/** ResNet-152: Bottleneck, [3, 8, 36, 3]. */
export const resnet152 = (options: ResNetOptions = {}): ResNet => new ResNet(Bottleneck, [3, 8, 36, 3], options);
