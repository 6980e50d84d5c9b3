"""Benchmark: the whole pipeline against plain ``jieba.lcut`` of the same text.

Usage: ``.venv/bin/python scripts/benchmark.py [FILES...]`` (default: corpora/*.txt).
Prints per-file and total seconds (best of N runs) and the ratio; the design
budget is a ratio of at most ~1.5. Also reports peak memory of the pipeline.
"""
from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

import jieba

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from extractor.nlp import load  # noqa: E402
from extractor.pipeline import process  # noqa: E402
from extractor.readers import read  # noqa: E402


def best(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(paths: list[str]) -> None:
    files = [Path(p) for p in paths] or sorted(Path("corpora").glob("*.txt"))
    load()
    jieba.lcut("预热")
    process(read(files[0]))
    total_j = total_p = 0.0
    for path in files:
        text = read(path).text
        tj = best(lambda: jieba.lcut(text))
        tp = best(lambda: process(read(path)))
        total_j, total_p = total_j + tj, total_p + tp
        print(f"{path.name:50} chars {len(text):6}  jieba {tj * 1000:7.1f} ms  pipeline {tp * 1000:7.1f} ms  x{tp / tj:4.2f}")
    print(f"{'total':50} {'':12}  jieba {total_j * 1000:7.1f} ms  pipeline {total_p * 1000:7.1f} ms  x{total_p / total_j:4.2f}")
    tracemalloc.start()
    for path in files:
        process(read(path))
    print(f"peak memory of the pipeline over all files: {tracemalloc.get_traced_memory()[1] / 1e6:.1f} MB")


if __name__ == "__main__":
    main(sys.argv[1:])
