// The Fashion-MNIST judge of the GAN experiments: trained once, cached as safetensors in runs/fashion-judge beside the run folder, reused by dcgan-fashion and cgan-fashion.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Tensor } from "../tensor/Tensor.js";
import { FashionMNIST } from "../data/IdxImageDataset.js";
import { serialize, deserialize } from "../io/safetensors.js";
import { atomicWriteFile, readFileBytes } from "../node/fs.js";
import { FashionJudge, judgeAccuracy, trainFashionJudge } from "../generative/fashionJudge.js";

/** The first `limit` images of a Fashion-MNIST split as float32 [N, 1, 28, 28] in [0, 1], with their int32 labels [N]. */
export function fashionImages(train: boolean, limit?: number): { images: Tensor; labels: Tensor } {
  const dataset = new FashionMNIST({ train });
  const n = Math.min(dataset.length, limit ?? dataset.length);
  const [images, labels] = dataset.getBatch(Array.from({ length: n }, (_, i) => i));
  return { images: images!, labels: labels! };
}

/** How the judge is trained; every field is part of the cache file's name, so a smaller judge is never mistaken for the default one. */
export interface JudgeBudget {
  /** Training images (the first N of the 60,000). */
  trainImages: number;
  epochs: number;
  seed: number;
}

/** The default judge: all 60,000 training images, 4 epochs (learning rate halved after each), seed 0 (the same judge whatever the GAN's seed, so numbers compare across runs). */
export const defaultJudgeBudget: JudgeBudget = { trainImages: 60_000, epochs: 4, seed: 0 };

/** A loaded or freshly trained judge, its accuracy on the 10,000 test images and where its weights are. */
export interface LoadedJudge {
  judge: FashionJudge;
  testAccuracy: number;
  /** Whether the weights came from the cache. */
  cached: boolean;
  path: string;
  /** Seconds spent training (0 when cached). */
  trainSeconds: number;
}

/**
 * The judge for a run writing into `outDir`: loaded from `<parent of outDir>/fashion-judge/judge-…safetensors`
 * when present (runs/fashion-judge for the CLI's default runs/<name>), trained and saved there otherwise.
 * Its test accuracy is measured again either way.
 */
export function loadOrTrainJudge(outDir: string, budget: JudgeBudget, log: (line: string) => void, testImages?: number): LoadedJudge {
  const path = join(dirname(outDir), "fashion-judge", `judge-n${budget.trainImages}-e${budget.epochs}-s${budget.seed}.safetensors`);
  let judge: FashionJudge, cached = false, trainSeconds = 0;
  if (existsSync(path)) {
    judge = new FashionJudge();
    const { missingKeys, unexpectedKeys } = judge.loadStateDict(deserialize(readFileBytes(path, "loadOrTrainJudge")).tensors);
    if (missingKeys.length || unexpectedKeys.length) throw new Error(`loadOrTrainJudge: ${path} does not hold a FashionJudge (missing ${missingKeys.join(", ")}; unexpected ${unexpectedKeys.join(", ")})`);
    judge.eval();
    cached = true;
    log(`judge: loaded ${path}`);
  } else {
    const train = fashionImages(true, budget.trainImages);
    log(`judge: training on ${train.images.shape[0]} images for ${budget.epochs} epochs (cached afterwards in ${path})`);
    const start = performance.now();
    judge = trainFashionJudge(train.images, train.labels, { epochs: budget.epochs, seed: budget.seed, onEpoch: (e, loss) => log(`judge epoch ${e + 1}/${budget.epochs}: train loss ${loss.toFixed(4)}`) });
    trainSeconds = (performance.now() - start) / 1000;
    atomicWriteFile(path, serialize(judge.stateDict(), { metadata: { trainImages: String(budget.trainImages), epochs: String(budget.epochs), seed: String(budget.seed) } }), "loadOrTrainJudge");
  }
  const test = fashionImages(false, testImages);
  const testAccuracy = judgeAccuracy(judge, test.images, test.labels);
  log(`judge: test accuracy ${(100 * testAccuracy).toFixed(2)} % on ${test.images.shape[0]} images`);
  return { judge, testAccuracy, cached, path, trainSeconds };
}
