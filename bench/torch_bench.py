"""bench/torch_bench.py: PyTorch (1 thread) and numpy sgemm on the same work as bench_native.cpp.

Run by bench/native-speed.mjs with Debian's /usr/bin/python3 (python3-torch, python3-numpy) and
OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset. Prints one JSON object on stdout:
  {"torch": "1.13...", "blas": "...", "configs": [{"id", "perSecond"}], "gemm": [{"n", "gflops"}]}
Steps/s per CPU second (time.process_time), median of windows, like bench_native.cpp.
The network: nn.Linear layers (PyTorch's own init, then overwritten with He normal draws:
the speed does not depend on the values), ReLU, CrossEntropyLoss (mean), SGD lr 0.01, on
gaussian-like 64-D rows (random normal: the rows' values do not change the time either).
"""
import json
import sys
import time

import numpy as np


def windows(body, window, count, warmup):
    k = 1
    while True:
        t0 = time.process_time()
        body(k)
        if time.process_time() - t0 > window / 8 or k >= 1 << 20:
            break
        k *= 2
    t0 = time.process_time()
    while time.process_time() - t0 < warmup:
        body(k)
    rates = []
    for _ in range(count):
        units, t0 = 0, time.process_time()
        while True:
            body(k)
            units += k
            dt = time.process_time() - t0
            if dt >= window:
                break
        rates.append(units / dt)
    rates.sort()
    return rates[len(rates) // 2], rates


def main():
    args = dict(zip(sys.argv[1::2], sys.argv[2::2]))
    window = float(args.get("--window", "0.5"))
    count = int(args.get("--windows", "5"))
    warmup = float(args.get("--warmup", "1.0"))
    configs = [json.loads(l.strip().rstrip(","))
               for l in open(args.get("--configs", "bench/native-configs.json"))
               if '"id"' in l]
    out = {"configs": [], "gemm": []}
    try:
        import torch
        torch.set_num_threads(1)
        out["torch"] = torch.__version__
        out["torchBlas"] = [l.strip() for l in torch.__config__.show().splitlines() if "BLAS" in l]
        for c in configs:
            torch.manual_seed(42)
            layers, fan = [], 64
            for _ in range(c["depth"]):
                layers += [torch.nn.Linear(fan, c["width"]), torch.nn.ReLU()]
                fan = c["width"]
            layers.append(torch.nn.Linear(fan, 2))
            net = torch.nn.Sequential(*layers)
            for m in net:
                if isinstance(m, torch.nn.Linear):
                    torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                    torch.nn.init.zeros_(m.bias)
            x = torch.randn(500, 64)
            y = torch.randint(0, 2, (500,))
            opt = torch.optim.SGD(net.parameters(), lr=c["learningRate"])
            loss_fn = torch.nn.CrossEntropyLoss()
            b = c["batch"]
            state = {"i": 0}

            def step(k):
                for _ in range(k):
                    i = state["i"]
                    state["i"] = (i + b) % (500 - b)
                    opt.zero_grad(set_to_none=True)
                    loss_fn(net(x[i:i + b]), y[i:i + b]).backward()
                    opt.step()

            med, all_ = windows(step, window, count, warmup)
            out["configs"].append({"id": c["id"], "perSecond": med, "windows": all_})
            print(f"torch-1t {c['id']:6s} {med:10.1f} steps per CPU second", file=sys.stderr)
    except ImportError as e:
        out["torchMissing"] = str(e)
    try:
        np.show_config
        for n in (64, 256, 1024):
            rng = np.random.default_rng(1)
            a = rng.standard_normal((n, n), dtype=np.float32)
            b_ = rng.standard_normal((n, n), dtype=np.float32)
            c_ = np.empty((n, n), dtype=np.float32)
            med, _ = windows(lambda k: [np.matmul(a, b_, out=c_) for _ in range(k)], window,
                             count, warmup / 2)
            g = med * 2 * n ** 3 * 1e-9
            out["gemm"].append({"n": n, "gflops": g})
            print(f"numpy sgemm {n:5d}^3 {g:7.2f} GFLOP/s", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - report, do not fail the bench
        out["numpyError"] = str(e)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
