#!/usr/bin/python3
"""PyTorch run of deepscript's char-lstm experiment (src/experiments/char-lstm.ts): the same net, data,
batching, truncated BPTT, optimizer, schedule and step budget, for comparing validation losses.

    /work/main/.venv/bin/python bench/peers/char_lstm_torch.py --epochs 4 [--threads 2] [--seed 0]

Prints one JSON line: valLoss (nats per character on nanoGPT's validation split, state carried over the
whole split), steps, seconds. Initialization and dropout masks come from PyTorch's generator, so the two
runs agree in distribution, not bit for bit.
"""
import argparse
import gzip
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--epochs", type=int, default=4)
p.add_argument("--max-steps", type=int, default=None)
p.add_argument("--threads", type=int, default=2)
p.add_argument("--seed", type=int, default=0)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)

# the config of src/experiments/char-lstm.ts
EMBED, HIDDEN, LAYERS, DROPOUT, BATCH, SEQ, LR, FINAL, CLIP, EVAL_EVERY = 64, 256, 2, 0.1, 32, 100, 3e-3, 0.1, 5.0, 200

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
text = gzip.open(os.path.join(ROOT, "data", "tinyshakespeare.txt.gz"), "rt", encoding="utf-8").read()
cut = int(len(text) * 0.9)
train_text, val_text = text[:cut], text[cut:]
vocab = sorted(set(text))
index = {c: i for i, c in enumerate(vocab)}


def batchify(s, batch):
    ids = torch.tensor([index[c] for c in s], dtype=torch.long)
    n = len(ids) // batch
    return ids[: n * batch].view(batch, n)


train = batchify(train_text, BATCH)
val = batchify(val_text, min(BATCH, max(1, len(val_text) // (SEQ + 1))))


class CharLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(vocab), EMBED)
        self.lstm = nn.LSTM(EMBED, HIDDEN, num_layers=LAYERS, dropout=DROPOUT, batch_first=True)
        self.head = nn.Linear(HIDDEN, len(vocab))

    def forward(self, x, state=None):
        h, state = self.lstm(self.embed(x), state)
        return self.head(F.dropout(h, DROPOUT, self.training)), state


def evaluate(model):
    model.eval()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        L = val.shape[1]
        for start in range(0, L - 1, SEQ):
            n = min(SEQ, L - 1 - start)
            logits, state = model(val[:, start:start + n], state)
            y = val[:, start + 1:start + 1 + n]
            total += F.cross_entropy(logits.reshape(-1, len(vocab)), y.reshape(-1), reduction="sum").item()
            count += y.numel()
    model.train()
    return total / count


model = CharLSTM()
opt = torch.optim.Adam(model.parameters(), lr=LR)
steps_per_epoch = math.ceil((train.shape[1] - 1) / SEQ)
total_steps = a.epochs * steps_per_epoch if a.max_steps is None else min(a.epochs * steps_per_epoch, a.max_steps)
inputs, targets = train[:, :-1], train[:, 1:]
step, t0, val_loss = 0, time.perf_counter(), None
for epoch in range(a.epochs):
    state = None
    for start in range(0, inputs.shape[1], SEQ):
        if step >= total_steps:
            break
        x, y = inputs[:, start:start + SEQ], targets[:, start:start + SEQ]
        for g in opt.param_groups:
            g["lr"] = LR * (1 - (1 - FINAL) * (step / max(1, total_steps - 1)))
        opt.zero_grad()
        logits, state = model(x, state)
        state = tuple(s.detach() for s in state)
        loss = F.cross_entropy(logits.reshape(-1, len(vocab)), y.reshape(-1))
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        step += 1
        if step % EVAL_EVERY == 0 or step == total_steps:
            val_loss = evaluate(model)
            print(json.dumps({"step": step, "trainLoss": loss.item(), "valLoss": val_loss, "seconds": time.perf_counter() - t0}), flush=True)
print(json.dumps({"valLoss": val_loss, "steps": step, "seconds": time.perf_counter() - t0, "torch": torch.__version__}))
