"""Benchmarks that tell the truth: whole processes, medians of alternating runs, memory from the OS.

:func:`run` measures, on the real notices bundled in the repository (``tests/real/docs``, ``corpora``):

- the cost of each stage (read, normalise, segment, extract, write) in characters and notices per second;
- the whole pipeline against plain ``jieba.lcut`` of the same normalised text, in this process (medians of
  alternating runs, dictionaries loaded first) and as whole processes (``extract`` against a process that only
  imports jieba and cuts the texts), with start-up (``--help``, ``search``) reported apart;
- ingest throughput with ``--jobs 1`` and ``--jobs 2`` and the peak RSS of each process (``wait4``);
- a scale run per catalog size: notices generated from the real ones by :func:`variants` (place, years,
  figures and doc numbers changed so each is a distinct notice) ingested with ``--jobs 2``, then the ingest
  rate, size on disk per notice, search p50/p95 over :data:`QUERIES` (library and CLI process) and
  ``compare`` over every place.
"""
from __future__ import annotations

import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .patterns import table as pattern_table

ROOT = Path(__file__).resolve().parent.parent
#: The fixed search queries of the scale runs: common policy words, short and long.
#: Notices ingested to measure throughput with ``--jobs 1`` and ``--jobs 2`` (whole processes, start-up included).
INGEST_SAMPLE = 1000
QUERIES = ("科技", "企业", "资金", "财政局", "高新技术企业", "专项资金", "标准化厂房", "数字经济", "人才", "2025年")
_UNIT_AFTER = "万亿元家个%亩项吨人户座所台辆千百"


def corpus() -> list[Path]:
    """The real notices in the repository, as text files."""
    return sorted([*(ROOT / "tests" / "real" / "docs").glob("*.txt"), *(ROOT / "corpora").glob("*.txt")])


def _median_alternating(a: Callable[[], Any], b: Callable[[], Any], runs: int) -> tuple[float, float]:
    ta, tb = [], []
    for _ in range(runs):
        for fn, out in ((a, ta), (b, tb)):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return statistics.median(ta), statistics.median(tb)


#: Runs a command and prints the peak RSS (KB) of it and its descendants: a small process of its own, so the
#: figure does not inherit the benchmark's memory (Linux keeps the high-water mark across fork).
_LAUNCHER = ("import resource, subprocess, sys\n"
             "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)")


def _process(args: list[str]) -> tuple[float, float, int]:
    """Run a process; (wall seconds, peak RSS in MB of it and its workers, from the OS, exit code)."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, *args], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    peak, code = out.stdout.split()
    return seconds, int(peak) / 1024, int(code)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "extractor", *args]


def stages(files: list[Path]) -> dict[str, Any]:
    """Seconds per stage over the files, and characters and notices per second of each."""
    from . import fts
    from .db import Catalog
    from .identity import signature
    from .pipeline import process
    from .readers import read

    process(read(files[0]))  # dictionaries and patterns loaded before timing
    timings: dict[str, float] = {"read": 0.0}
    documents = []
    for path in files:
        start = time.perf_counter()
        source = read(path)
        timings["read"] += time.perf_counter() - start
        document = process(source, timings)
        start = time.perf_counter()  # what an ingest worker adds: the text signature and the index terms
        documents.append((document, signature(document.text)))
        document.index = fts.document_terms(document)
        timings["extract"] += time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp, Catalog.open(Path(tmp) / "c.db") as catalog:
        with Catalog.open(Path(tmp) / "warm.db") as warm:  # lexicons of the writer loaded before timing
            list(warm.write([(documents[0][0], "warm", "warm", documents[0][1])]))
        start = time.perf_counter()  # the writer as ingest runs it: grouped commits, terms from the workers
        list(catalog.write((d, f"bench-{i}", f"bench/{i}", sig) for i, (d, sig) in enumerate(documents)))
        timings["write"] = time.perf_counter() - start
    documents = [d for d, _ in documents]
    chars = sum(len(d.text) for d in documents)
    return {stage: {"seconds": round(s, 4), "chars_per_s": round(chars / s), "notices_per_s": round(len(files) / s, 1)}
            for stage, s in timings.items()} | {"notices": len(files), "chars": chars,
                                                 "write_share": round(timings["write"] / sum(timings.values()), 3)}


def versus_jieba(files: list[Path], runs: int = 5) -> dict[str, Any]:
    """The pipeline against plain ``jieba.lcut`` of the same normalised texts, in this process and as processes."""
    import jieba

    from .model import Mapped
    from .normalise import normalise
    from .pipeline import process
    from .readers import read

    sources = [read(p) for p in files]
    texts = [normalise(Mapped.identity(s.text))[0].text for s in sources]
    jieba.lcut("预热")
    process(sources[0])
    t_jieba, t_pipe = _median_alternating(lambda: [jieba.lcut(t) for t in texts],
                                          lambda: [process(s) for s in sources], runs)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, text in enumerate(texts):
            paths.append(str(Path(tmp) / f"{i}.txt"))
            Path(paths[-1]).write_text(text, encoding="utf-8")
        bare = [sys.executable, "-c", "import sys, jieba\nfor p in sys.argv[1:]: jieba.lcut(open(p).read())", *paths]
        ours = cli("extract", "--format", "json", *paths)
        whole_j, whole_p, rss = [], [], 0.0
        for _ in range(3):
            whole_j.append(_process(bare)[0])
            seconds, peak, _ = _process(ours)
            whole_p.append(seconds)
            rss = max(rss, peak)
        help_times = [_process(cli("--help"))[0] for _ in range(3)]
        empty = str(Path(tmp) / "empty.txt")
        Path(empty).write_text(texts[0][:200], encoding="utf-8")
        start_j = [_process([sys.executable, "-c", "import jieba; jieba.lcut('预热')"])[0] for _ in range(3)]
        start_p = [_process(cli("extract", empty))[0] for _ in range(3)]
    return {
        "in_process": {"jieba_s": round(t_jieba, 3), "pipeline_s": round(t_pipe, 3), "ratio": round(t_pipe / t_jieba, 2)},
        "processes": {"jieba_s": round(statistics.median(whole_j), 2), "extract_s": round(statistics.median(whole_p), 2),
                      "ratio": round(statistics.median(whole_p) / statistics.median(whole_j), 2),
                      "extract_peak_rss_mb": round(rss)},
        "startup": {"help_s": round(statistics.median(help_times), 3),
                    "extract_tiny_file_s": round(statistics.median(start_p), 3),
                    "jieba_first_cut_s": round(statistics.median(start_j), 3)},
        "chars": sum(len(t) for t in texts),
    }


# ------------------------------------------------------------ variants -----

def variants(bases: list[Path], count: int, out: Path, seed: int = 7, first: int = 0) -> list[Path]:
    """``count`` distinct notices made from real ones: each moved to another city or county (the base's own
    city and province names replaced; no base goes to one place twice), its years shifted, its figures changed
    and its own doc number given the serial ``first + i + 1`` (the numbers it cites are kept)."""
    from .metadata import gazetteer
    from .pipeline import process
    from .readers import read

    g = gazetteer()
    provinces = {p["name"]: [s for s in p["short"].split("|") if len(s) >= 2] for p in g.provinces}
    cities = {c["name"]: [s for s in c["short"].split("|") if len(s) >= 2] for c in g.cities}
    places = [r for r in pattern_table("regions") if r["province"] != r["name"] and (
        r["level"] == "city" or r["level"] == "county" and len(r["name"]) >= 3)]
    bases_read = []
    for path in bases:
        meta = process(read(path)).metadata
        bases_read.append((read(path).text, meta.city, meta.province, meta.doc_number))
    rng = random.Random(seed)
    order = list(range(len(places)))
    rng.shuffle(order)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(count):
        text, city, province, doc_number = bases_read[i % len(bases_read)]
        place = places[order[(i // len(bases_read) * 7 + i % len(bases_read) * 131) % len(places)]]
        new = place["name"]
        names = [(city, new), *((s, new) for s in cities.get(city, []))] if city in cities else []
        if province in provinces and province != place["province"]:
            names += [(province, place["province"]), *((s, place["province"][:2]) for s in provinces[province])]
        number = first + i + 1  # every variant carries its own doc number, so no two are one notice
        if doc_number:
            text = _renumber(text, doc_number, number)
        else:
            text = f"{place['province'][:2]}政发〔{2020 + i % 5}〕{number}号\n{text}"
        written.append(out / f"v{i:06d}.txt")
        written[-1].write_text(_vary(text, names, rng.randint(-3, 3), rng), encoding="utf-8")
    return written


_DOC_NUMBER = re.compile(r"(\d{4})\s*[〕\]】）)﹞]\s*(\d+)(\s*号)")


def _renumber(text: str, doc_number: str, serial: int) -> str:
    """The text with its own doc number (however it is written) given another serial."""
    year, own = re.findall(r"\d+", doc_number)[-2:]
    return _DOC_NUMBER.sub(lambda m: m.group().replace(m.group(2), str(serial))
                           if (m.group(1), m.group(2)) == (year, own) else m.group(), text)


def _vary(text: str, names: list[tuple[str, str]], shift: int, rng: random.Random) -> str:
    for old, new in sorted(names, key=lambda n: len(n[0]), reverse=True):
        text = text.replace(old, new)
    text = re.sub(r"(?<!\d)(?:19|20)\d{2}(?=\s*[年〕\]】）)])", lambda m: str(int(m.group()) + shift), text)
    factor = rng.uniform(0.6, 1.6)

    def scale(m: re.Match[str]) -> str:
        value = float(m.group()) * factor
        return f"{value:.{len(m.group().partition('.')[2])}f}" if "." in m.group() else str(max(1, round(value)))

    return re.sub(rf"(?<![\d.])\d+(?:\.\d+)?(?=\s*[{_UNIT_AFTER}])", scale, text)


# ------------------------------------------------------------ catalog ------

def ingest_rate(folder: Path, db: Path, jobs: int) -> dict[str, Any]:
    """Ingest a folder with ``--jobs``: notices per second and the peak RSS of the process."""
    files = len(list(folder.glob("*.txt")))
    seconds, rss, code = _process(cli("ingest", "--db", str(db), "--jobs", str(jobs), str(folder)))
    return {"jobs": jobs, "files": files, "seconds": round(seconds, 1), "notices_per_s": round(files / seconds, 1),
            "peak_rss_mb": round(rss), "exit": code}


def dask_rate(folder: Path, shards: Path, jobs: int = 2) -> dict[str, Any]:
    """``ingest --engine dask`` of a folder on a LocalCluster of ``jobs`` workers (whole process, cluster start-up
    included): notices per second, peak RSS of the process and its workers, and the shards' size."""
    files = len(list(folder.glob("*.txt")))
    seconds, rss, code = _process(cli("ingest", "--engine", "dask", "--shards", str(shards), "--jobs", str(jobs),
                                      str(folder)))
    size = sum(p.stat().st_size for p in shards.rglob("*.parquet"))
    return {"jobs": jobs, "files": files, "seconds": round(seconds, 1), "notices_per_s": round(files / seconds, 1),
            "peak_rss_mb": round(rss), "shard_kb_per_notice": round(size / 1024 / max(1, files), 1), "exit": code}


def shard_scale(size: int, work: Path, jobs: int = 2) -> dict[str, Any]:
    """Shards of ``size`` generated notices: the Dask run, the catalog built from them (seconds), and
    ``compare`` of every place over the shards (DuckDB; the first time, which finds lineage, and again) and over
    that catalog, with whether they agree."""
    from .compare import compare
    from .db import Catalog
    from .shards.build import build
    from .shards.duck import open_shards

    folder, shards, db = work / f"shard-input-{size}", work / f"shards-{size}", work / f"shards-{size}.db"
    variants(corpus(), size, folder, seed=size + 1)
    out: dict[str, Any] = {"notices": size, "dask": dask_rate(folder, shards, jobs)}
    start = time.perf_counter()
    with Catalog.open(db) as catalog:
        build([shards], catalog, ["bench"])
        out["build_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        over_catalog = compare(catalog).to_dict()
        out["compare_catalog_s"] = round(time.perf_counter() - start, 2)
    start = time.perf_counter()
    over_shards = compare(open_shards([shards])).to_dict()
    out["compare_shards_s"] = round(time.perf_counter() - start, 2)  # lineage found, and kept in the shards
    start = time.perf_counter()
    compare(open_shards([shards]))
    out["compare_shards_kept_s"] = round(time.perf_counter() - start, 2)  # lineage read from the shards

    def rows(table: list[dict[str, Any]]) -> list[str]:
        return sorted(json.dumps({k: int(v) if isinstance(v, float) and v.is_integer() else
                                  (",".join(sorted(v.split(","))) if k == "departments" and v else v)
                                  for k, v in r.items() if not k.endswith("_id")}, sort_keys=True, ensure_ascii=False)
                      for r in table)

    out["compare_agrees"] = all(rows(over_shards[t]) == rows(over_catalog[t]) for t in over_catalog)
    return out


def size_per_notice(db: Path) -> dict[str, Any]:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    notices = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    conn.close()
    size = db.stat().st_size
    return {"notices": notices, "bytes": size, "kb_per_notice": round(size / 1024 / max(1, notices), 1)}


def search_times(db: Path, runs: int = 5) -> dict[str, Any]:
    """Search p50/p95 over the fixed queries through the library, and p50 as a CLI process."""
    from .db import Catalog

    times = []
    with Catalog.open(db) as catalog:
        for query in QUERIES:
            catalog.search(query, limit=20)
            for _ in range(runs):
                start = time.perf_counter()
                catalog.search(query, limit=20)
                times.append(time.perf_counter() - start)
    times.sort()
    process = sorted(_process(cli("search", query, "--db", str(db)))[0] for query in QUERIES[:5])
    return {"p50_ms": round(1000 * times[len(times) // 2], 1), "p95_ms": round(1000 * times[int(len(times) * 0.95)], 1),
            "max_ms": round(1000 * times[-1], 1), "cli_p50_s": round(process[len(process) // 2], 2)}


_COMPARE = """import json, sys, time
from extractor.compare import compare
from extractor.db import Catalog
with Catalog.open(sys.argv[1]) as catalog:
    compare(catalog)
    times = []
    for _ in range(3):  # each result is freed after it is timed
        start = time.perf_counter()
        result = compare(catalog)
        times.append(time.perf_counter() - start)
        places = len(result.places())
        del result
print(json.dumps({"every_place_s": round(min(times), 2), "places": places}))
"""


def compare_time(db: Path) -> dict[str, Any]:
    """``compare`` of every place, in a process of its own as a user's ``policyx compare`` runs (not in the
    bench's, which holds the objects of every earlier measure)."""
    out = subprocess.run([sys.executable, "-c", _COMPARE, str(db)], capture_output=True, text=True, cwd=ROOT,
                         check=True)
    return json.loads(out.stdout)


def scale(sizes: Iterable[int], work: Path, jobs: int = 2) -> list[dict[str, Any]]:
    """One catalog per size, grown by ingesting more generated notices into the previous one."""
    rows, done = [], 0
    db = work / "scale.db"
    for size in sorted(sizes):
        folder = work / f"batch-{size}"
        variants(corpus(), size - done, folder, seed=size, first=done)
        rate = ingest_rate(folder, db, jobs)
        done = size
        rows.append({"notices": size, "ingest": rate, "size": size_per_notice(db), "search": search_times(db),
                     "compare": compare_time(db)})
    return rows


#: A long real notice for the review page: 23,021 characters and some 460 items (see tests/real/long/README.md).
LONG_NOTICE = ROOT / "tests" / "real" / "long" / "henan-2023-kuoda-neixu-sannian.txt"


def review_page(path: Path = LONG_NOTICE) -> dict[str, Any]:
    """The review page of one long notice: seconds to build it, its size and spans, and, in a headless Chromium
    when one is installed, milliseconds to load it, to scroll to and flash each side-table row's span, and to
    toggle each kind off and on."""
    import shutil

    from .db import Catalog
    from .report import page

    with tempfile.TemporaryDirectory() as tmp, Catalog.open(Path(tmp) / "c.db") as catalog:
        catalog.ingest_file(path)
        doc_id = catalog.conn.execute("SELECT id FROM documents").fetchone()[0]
        start = time.perf_counter()
        written = page.write(catalog, [doc_id], Path(tmp))[0]
        out: dict[str, Any] = {"chars": len(catalog.db["documents"].get(doc_id)["text"]),
                               "build_s": round(time.perf_counter() - start, 3),
                               "page_kb": round(written.stat().st_size / 1024)}
        browser_path = shutil.which("chromium") or shutil.which("chromium-browser")
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            browser_path = None
        if browser_path is None:
            return out
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=browser_path, args=["--no-sandbox", "--disable-gpu"])
            tab = browser.new_page(viewport={"width": 1300, "height": 900})
            start = time.perf_counter()
            tab.goto(written.as_uri())
            out["load_ms"] = round(1000 * (time.perf_counter() - start))
            out.update(tab.evaluate("""() => {
                const spans = document.querySelectorAll('#text mark[data-kind]').length;
                const rows = Array.from(document.querySelectorAll('tr[data-ref]'));
                let start = performance.now();
                rows.forEach(row => row.click());
                const click = (performance.now() - start) / Math.max(rows.length, 1);
                const boxes = Array.from(document.querySelectorAll('[data-toggle]'));
                start = performance.now();
                boxes.forEach(box => { box.click(); document.body.offsetHeight; box.click(); document.body.offsetHeight; });
                const toggle = (performance.now() - start) / Math.max(boxes.length, 1);
                return {spans: spans, rows: rows.length, row_click_ms: Math.round(click * 100) / 100,
                        toggle_ms: Math.round(toggle * 10) / 10};
            }"""))
            browser.close()
        return out


def run(sizes: Iterable[int] = (1000, 10_000), work: Path | None = None,
        report: Callable[[str], None] = print, shard_sizes: Iterable[int] = ()) -> dict[str, Any]:
    """Every measurement (shard runs only for ``shard_sizes``); ``report`` is told what is being measured."""
    files = corpus()
    out: dict[str, Any] = {"machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]}}
    report("stages")
    out["stages"] = stages(files)
    report("pipeline against jieba.lcut")
    out["versus_jieba"] = versus_jieba(files)
    report("the review page of a long notice")
    out["review_page"] = review_page()
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        sample = variants(files, INGEST_SAMPLE, Path(tmp) / "sample", seed=1)[0].parent
        report("ingest --jobs 1 and --jobs 2, and --engine dask on 2 workers")
        out["ingest"] = [ingest_rate(sample, Path(tmp) / f"jobs{j}.db", j) for j in (1, 2)]
        out["dask"] = dask_rate(sample, Path(tmp) / "shards")
        report(f"scale runs: {', '.join(map(str, sizes))} notices")
        out["scale"] = scale(sizes, Path(tmp))
        for size in shard_sizes:
            report(f"shards of {size} notices: dask, catalog build, compare over shards")
            out.setdefault("shards", []).append(shard_scale(size, Path(tmp)))
    return out


def table(result: dict[str, Any]) -> Any:
    """The figures as one rich table."""
    from rich.table import Table

    t = Table("measure", "value", title="policyx bench", show_lines=False)
    for stage, v in result["stages"].items():
        if isinstance(v, dict):
            t.add_row(f"stage {stage}", f"{v['chars_per_s']:,} chars/s  {v['notices_per_s']} notices/s")
    t.add_row("write share of ingest", f"{result['stages']['write_share']:.0%} of the stages' time")
    vj = result["versus_jieba"]
    t.add_row("pipeline / jieba.lcut, in process", f"x{vj['in_process']['ratio']} ({vj['in_process']['pipeline_s']} s "
              f"vs {vj['in_process']['jieba_s']} s, {vj['chars']:,} chars)")
    t.add_row("extract / jieba.lcut, whole processes", f"x{vj['processes']['ratio']} ({vj['processes']['extract_s']} s "
              f"vs {vj['processes']['jieba_s']} s), peak RSS {vj['processes']['extract_peak_rss_mb']} MB")
    t.add_row("start-up", f"--help {vj['startup']['help_s']} s, extract of a tiny file "
              f"{vj['startup']['extract_tiny_file_s']} s (jieba import + first cut {vj['startup']['jieba_first_cut_s']} s)")
    rp = result["review_page"]
    t.add_row("review page of a long notice", f"{rp['chars']:,} chars: built in {rp['build_s']} s, {rp['page_kb']} KB"
              + (f", {rp['spans']} spans; load {rp['load_ms']} ms, row click {rp['row_click_ms']} ms, "
                 f"toggle a kind {rp['toggle_ms']} ms" if "spans" in rp else " (no browser to measure it in)"))
    for r in result["ingest"]:
        t.add_row(f"ingest --jobs {r['jobs']}", f"{r['notices_per_s']} notices/s ({r['files']} files), "
                  f"peak RSS {r['peak_rss_mb']} MB")
    if "dask" in result:
        d = result["dask"]
        t.add_row(f"ingest --engine dask, {d['jobs']} workers", f"{d['notices_per_s']} notices/s ({d['files']} files, "
                  f"cluster start-up included), peak RSS {d['peak_rss_mb']} MB, shards {d['shard_kb_per_notice']} "
                  "KB/notice")
    for s in result.get("shards", []):
        t.add_row(f"{s['notices']:,} notices as shards", f"dask {s['dask']['notices_per_s']}/s; catalog build "
                  f"{s['build_s']} s; compare every place over shards {s['compare_shards_s']} s (lineage found; "
                  f"{s['compare_shards_kept_s']} s once kept), over the catalog "
                  f"{s['compare_catalog_s']} s, {'the same rows' if s['compare_agrees'] else 'DIFFERENT rows'}")
    for s in result["scale"]:
        t.add_row(f"{s['notices']:,} notices", f"ingest {s['ingest']['notices_per_s']}/s (peak RSS "
                  f"{s['ingest']['peak_rss_mb']} MB); {s['size']['kb_per_notice']} KB/notice; search p50 "
                  f"{s['search']['p50_ms']} ms p95 {s['search']['p95_ms']} ms, CLI {s['search']['cli_p50_s']} s; "
                  f"compare {s['compare']['every_place_s']} s ({s['compare']['places']} places)")
    return t


def save(result: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
