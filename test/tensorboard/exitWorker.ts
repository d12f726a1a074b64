// Child process of SummaryWriter.test.ts: queues a few scalars and exits without flush() or close().
import { SummaryWriter } from "../../src/tensorboard/SummaryWriter.js";

const writer = new SummaryWriter(process.argv[2]!);
for (let step = 0; step < 3; step++) writer.addScalar("loss", 1 / (step + 1), step);
