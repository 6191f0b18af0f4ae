#!/usr/bin/env python3
"""Times sfnn against the libtorch reference, alternated in one run so both see the same machine.

usage: side_by_side.py [--rounds 3] [--paths Vector256,Vector128] [--out DIR]
       side_by_side.py --gsn [--rounds 5] [--steps 10] [--threads 2] [--paths Vector512]

Each round trains G3 M=20 for 3 epochs and the deterministic net for 4 with libtorch and with
sfnn on every kernel path named (SFNN_FORCE_KERNEL), then evaluates the round's sfnn G3
checkpoint with M = 100 on both. Epoch times are medians of epochs 2 on (the first carries
both sides' warm-up). Prints a table per work and ends with one JSON line of every figure.
libtorch gets MKL_ENABLE_INSTRUCTIONS=AVX2 and ATEN_CPU_CAPABILITY=avx2 when the AVX2 path is
compared (what an AVX2-only CPU would give it); sfnn gets what such a CPU shows .NET (cpu_like).

--gsn alternates the GSN-2 walkback step instead (issue 17): `run --task gsn` and `sfnn bench
--task gsn`, each `--steps` timed steps in 3 rounds of its own (the median round), batch 100 and
`--threads` on both, and prints seconds per 50000-example epoch in wall time and in the process's
CPU time (on a shared machine wall time also counts the time the threads waited for a core; CPU
time also counts their spinning at barriers).
"""
import argparse, json, os, statistics, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.abspath(os.path.join(here, "..", ".."))

def run(command, env_extra):
    env = dict(os.environ, **env_extra)
    out = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"side_by_side: {' '.join(command)} failed ({out.returncode}): {out.stderr.strip().splitlines()[-1:]}")
    return out.stdout

def last_json(text):
    return json.loads([l for l in text.splitlines() if l.startswith("{")][-1])

def cpu_like(path):
    """What a CPU without AVX-512 shows .NET, for the narrower paths, so that TensorPrimitives and
    the JIT narrow with our kernels. The 128-bit path keeps AVX2 for .NET: DOTNET_EnableAVX2=0
    also takes FMA away (.NET 10 switches the x86-64-v3 group as one), which ARM's AdvSimd has."""
    env = {"SFNN_FORCE_KERNEL": path}
    if path in ("Vector256", "Vector128"): env["DOTNET_EnableAVX512"] = "0"
    return env

def sfnn_epochs(out_dir):
    with open(os.path.join(out_dir, "log.jsonl")) as f:
        seconds = [json.loads(l)["seconds"] for l in f if l.strip()]
    return statistics.median(seconds[1:] if len(seconds) > 1 else seconds)

def gsn(a, paths, torch_env):
    times = {}
    def add(unit, who, value):
        times.setdefault(unit, {}).setdefault(who, []).append(value)
        print(f"  {unit:<16} {who:<10} {value:8.2f} s", file=sys.stderr, flush=True)
    lt = [os.path.join(here, "run"), "--task", "gsn", "--threads", str(a.threads), "--steps", str(a.steps), "--rounds", "3"]
    for r in range(a.rounds):
        print(f"round {r + 1}/{a.rounds}", file=sys.stderr, flush=True)
        t = last_json(run(lt, torch_env))
        add("wall s / epoch", "libtorch", t["secondsPerEpoch"])
        add("CPU s / epoch", "libtorch", t["cpuSecondsPerEpoch"])
        for path in paths:
            s = last_json(run(["./sfnn", "bench", "--task", "gsn", "--threads", str(a.threads), "--steps", str(a.steps), "--rounds", "3"], cpu_like(path)))
            add("wall s / epoch", path, s["secondsPerEpoch"])
            add("CPU s / epoch", path, s["cpuSecondsPerStep"] * 50000 / s["batch"])
            add("stepOverDenseFloor", path, s["stepOverDenseFloor"])
    print(f"\nGSN-2 784-1500-1500, walkback 4, batch 100, {a.threads} threads, {a.rounds} alternated rounds (each the median of 3 x {a.steps} steps)\n")
    print("| time | libtorch | " + " | ".join(f"sfnn {p}" for p in paths) + " | " + " | ".join(f"{p} faster by, range (median)" for p in paths) + " |")
    print("|---|---:|" + "---:|" * (2 * len(paths)))
    for unit in ("wall s / epoch", "CPU s / epoch"):
        by = times[unit]
        torch_s = by["libtorch"]
        def ratios(p):
            r = [x / y for x, y in zip(torch_s, by[p])]
            return f"{min(r):.1f}-{max(r):.1f}x ({statistics.median(r):.1f})"
        print(f"| {unit} | {' / '.join(f'{t:.1f}' for t in torch_s)} | " + " | ".join(" / ".join(f"{t:.1f}" for t in by[p]) for p in paths)
              + " | " + " | ".join(ratios(p) for p in paths) + " |")
    print(json.dumps(times))

def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--paths", default=None)
    p.add_argument("--out", default=tempfile.mkdtemp(prefix="side-by-side-"))
    p.add_argument("--gsn", action="store_true")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    paths = (a.paths or ("Vector512" if a.gsn else "Vector256,Vector128")).split(",")
    torch_env = {"MKL_ENABLE_INSTRUCTIONS": "AVX2", "ATEN_CPU_CAPABILITY": "avx2"} if "Vector256" in paths else {}
    if a.gsn: return gsn(a, paths, torch_env)
    times = {}
    def add(work, who, value):
        times.setdefault(work, {}).setdefault(who, []).append(value)
        print(f"  {work:<14} {who:<10} {value:8.3f} s", file=sys.stderr, flush=True)
    lt = [os.path.join(here, "run")]
    for r in range(a.rounds):
        print(f"round {r + 1}/{a.rounds}", file=sys.stderr, flush=True)
        add("G3 M=20 epoch", "libtorch", last_json(run(lt + ["--estimator", "G3", "--epochs", "3"], torch_env))["secondsPerEpoch"])
        checkpoint = None
        for path in paths:
            d = os.path.join(a.out, f"g3-{path}-{r}")
            run(["./sfnn", "train", "--epochs", "3", "--out", d], cpu_like(path))
            add("G3 M=20 epoch", path, sfnn_epochs(d))
            checkpoint = checkpoint or os.path.join(d, "checkpoint.safetensors")
        add("determ. epoch", "libtorch", last_json(run(lt + ["--estimator", "deterministic", "--epochs", "4"], torch_env))["secondsPerEpoch"])
        for path in paths:
            d = os.path.join(a.out, f"det-{path}-{r}")
            run(["./sfnn", "train", "--estimator", "deterministic", "--epochs", "4", "--out", d], cpu_like(path))
            add("determ. epoch", path, sfnn_epochs(d))
        add("M=100 eval", "libtorch", last_json(run(lt + ["--checkpoint", checkpoint, "--rounds", "3"], torch_env))["evaluationSeconds"])
        for path in paths:
            evals = [last_json(run(["./sfnn", "eval", checkpoint, "--samples", "100"], cpu_like(path)))["evaluationSeconds"] for _ in range(3)]
            add("M=100 eval", path, statistics.median(evals))
    print(f"\n| work | libtorch s | " + " | ".join(f"sfnn {p} s" for p in paths) + " | " + " | ".join(f"{p} faster by (median)" for p in paths) + " |")
    print("|---|---:|" + "---:|" * (2 * len(paths)))
    for work, by in times.items():
        torch_s = by["libtorch"]
        cells = [" / ".join(f"{t:.3f}" for t in by[p]) for p in paths]
        ratios = [f"{min(x / y for x, y in zip(torch_s, by[p])):.1f}-{max(x / y for x, y in zip(torch_s, by[p])):.1f}x ({statistics.median(x / y for x, y in zip(torch_s, by[p])):.1f})" for p in paths]
        print(f"| {work} | {' / '.join(f'{t:.3f}' for t in torch_s)} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
    print(json.dumps(times))

main()
