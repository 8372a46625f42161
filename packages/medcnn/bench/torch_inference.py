#!/usr/bin/env python3
"""Inference speed of the PyTorch peer: the models of ../shared/bench/torch_reference.py, in eval mode,
over the PneumoniaMNIST test set in batches of 256 (torchvision's: the first --limit test images resized to
--size and repeated to 3 channels, as torch_reference.py trains them, in batches of --batch).
Prints one JSON line with samples_per_second."""
import argparse, importlib.util, json, time

import numpy as np
import torch

ap = argparse.ArgumentParser()
ap.add_argument("--reference", required=True, help="path to shared/bench/torch_reference.py")
ap.add_argument("--npz", required=True)
ap.add_argument("--model", default="simplecnn")
ap.add_argument("--size", type=int, default=224)
ap.add_argument("--limit", type=int, default=0)
ap.add_argument("--batch", type=int, default=256)
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--repeats", type=int, default=3)
a = ap.parse_args()

spec = importlib.util.spec_from_file_location("torch_reference", a.reference)
ref = importlib.util.module_from_spec(spec)
spec.loader.exec_module(ref)
torch.set_num_threads(a.threads)
torch.manual_seed(0)
x = (torch.tensor(np.load(a.npz)["test_images"], dtype=torch.float32).unsqueeze(1) / 255.0 - 0.5) / 0.5
if a.model in ref.TORCHVISION:
    x = x[:a.limit] if a.limit else x
    x = torch.nn.functional.interpolate(x, size=(a.size, a.size), mode="bilinear", align_corners=False).repeat(1, 3, 1, 1)
    model = ref.torchvision_model(a.model, 2).eval()
else:
    model = (ref.SimpleCNN if a.model == "simplecnn" else ref.ResNet18)(1, 2).eval()
b = a.batch
times = []
with torch.no_grad():
    model(x[:b])  # warm-up
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        for i in range(0, len(x), b):
            torch.softmax(model(x[i:i + b]), 1)
        times.append(time.perf_counter() - t0)
best = min(times)
print(json.dumps({"model": a.model, "threads": a.threads, "samples": len(x), "seconds": best, "samples_per_second": len(x) / best}))
