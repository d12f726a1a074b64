// vision.models: reference CNNs, each one readable file (LeNet-5, VGG, ResNet, DenseNet-BC), and summary().
export { LeNet5 } from "./LeNet5.js";
export type { LeNet5Options } from "./LeNet5.js";
export { VGG, vggConfigs, vgg11, vgg13, vgg16, vgg19 } from "./VGG.js";
export type { VGGConfig, VGGOptions } from "./VGG.js";
export { ResNet, BasicBlock, Bottleneck, resnet18, resnet34, resnet50, resnet101, resnet152 } from "./ResNet.js";
export type { ResNetOptions, ResidualBlock } from "./ResNet.js";
export { DenseNet, DenseLayer, DenseBlock, Transition, densenet121, densenet169, densenet201, densenetBC } from "./DenseNet.js";
export type { DenseNetOptions } from "./DenseNet.js";
export { NamedSequential } from "./NamedSequential.js";
export { summary, ModelSummary } from "./summary.js";
export type { SummaryRow, SummaryOptions } from "./summary.js";
export { ViT, ViTEncoder, ViTEncoderBlock } from "./ViT.js";
export type { ViTOptions } from "./ViT.js";
export { CenterNet, centerNetTargets, centerNetLoss, centerNetFocalLoss, centerNetRegL1, centerNetDecode, gaussianRadius } from "./CenterNet.js";
export type { CenterNetOptions, CenterNetOutput, CenterNetTargets, CenterNetObjects, CenterNetLoss, CenterNetDecodeOptions } from "./CenterNet.js";
