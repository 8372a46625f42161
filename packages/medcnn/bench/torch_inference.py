#!/usr/bin/env python3
"""Inference speed of the PyTorch peer: the models of ../shared/bench/torch_reference.py, in eval mode,
over the PneumoniaMNIST test set in batches of 256. Prints one JSON line with samples_per_second."""
import argparse, importlib.util, json, time

import numpy as np
import torch

ap = argparse.ArgumentParser()
ap.add_argument("--reference", required=True, help="path to shared/bench/torch_reference.py")
ap.add_argument("--npz", required=True)
ap.add_argument("--model", choices=["simplecnn", "resnet18"], default="simplecnn")
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--repeats", type=int, default=3)
a = ap.parse_args()

spec = importlib.util.spec_from_file_location("torch_reference", a.reference)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
torch.set_num_threads(a.threads)
torch.manual_seed(0)
x = (torch.tensor(np.load(a.npz)["test_images"], dtype=torch.float32).unsqueeze(1) / 255.0 - 0.5) / 0.5
model = (ref.SimpleCNN if a.model == "simplecnn" else ref.ResNet18)(1, 2).eval()
times = []
with torch.no_grad():
    model(x[:256])  # warm-up
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for i in range(0, len(x), 256):
            torch.softmax(model(x[i:i + 256]), 1)
        times.append(time.perf_counter() - t0)
best = min(times)
print(json.dumps({"model": a.model, "threads": a.threads, "samples": len(x), "seconds": best, "samples_per_second": len(x) / best}))
