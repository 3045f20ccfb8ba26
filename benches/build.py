#!/usr/bin/env python3
"""Benchmark: `inkstone build book` (EPUB + PDF) against Typst on the same article.

usage: benches/build.py [--runs N]

Builds inkstone in release mode, installs Typst (pip install typst, in a venv under
target/) and converts book/article.md into an equivalent Typst document (A5, Noto Serif
CJK SC 10.5 pt from fonts/, pitch about 1.7, 2-em indent, justified, 31-em measure,
headings in Noto Sans CJK SC, running head and folio). Typst writes only the PDF;
inkstone writes the EPUB as well.
Runs both N times, interleaved, each in a fresh process (cold: no caches survive), and
prints the median wall time, the median peak memory (max RSS) and their ratios. The
machine is shared and noisy: compare only figures from the same run.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def typst_source(markdown):
    """The article as Typst markup, set like inkstone sets it."""
    out = [
        '#set page(width: 148mm, height: 210mm, margin: (x: (148mm - 31 * 10.5pt) / 2, top: 20mm, bottom: 22mm),'
        ' header: context if counter(page).get().first() > 1 [#set text(size: 9pt); #align(center)[镇江高新区]],'
        ' footer: context if counter(page).get().first() > 1 [#set text(size: 9pt); #align(center)[#counter(page).display()]])',
        '#set text(font: "Noto Serif CJK SC", size: 10.5pt, lang: "zh", region: "cn")',
        '#set par(justify: true, leading: 0.7em, spacing: 0.7em, first-line-indent: (amount: 2em, all: true))',
        '#show heading: set text(font: "Noto Sans CJK SC", weight: "bold")',
        '#show heading: set align(center)',
    ]
    for block in markdown.strip().split("\n\n"):
        block = block.strip()
        esc = lambda s: re.sub(r'([#\[\]*_`$\\<>@])', r'\\\1', s)
        if block.startswith("# "):
            out.append("#align(center, text(size: 20pt, font: \"Noto Sans CJK SC\", weight: \"bold\")[" + esc(block[2:]) + "])")
        elif block.startswith("## "):
            out.append("== " + esc(block[3:]))
        elif block.startswith("<p class=\"byline\">"):
            out.append("#align(right)[" + esc(re.sub(r"<[^>]+>", "", block)) + "]")
        else:
            out.append(esc(block))
    return "\n\n".join(out) + "\n"


def run(cmd, env=None):
    """Wall time (s) and peak RSS (MiB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"{cmd[0]} failed: {proc.stderr.read().decode()}")
    return wall, usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    venv = os.path.join(ROOT, "target", "bench-venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py) or subprocess.run([py, "-c", "import typst"], capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "typst"], check=True)
    version = subprocess.run([py, "-c", "import importlib.metadata as m; print(m.version('typst'))"],
                             capture_output=True, text=True).stdout.strip()

    work = tempfile.mkdtemp(prefix="inkstone-bench-")
    source = os.path.join(work, "article.typ")
    with open(os.path.join(ROOT, "book", "article.md"), encoding="utf-8") as f:
        open(source, "w", encoding="utf-8").write(typst_source(f.read()))
    inkstone = [os.path.join(ROOT, "target", "release", "inkstone"), "build", os.path.join(ROOT, "book"),
                "-o", os.path.join(work, "out")]
    typst = [py, "-c", "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]])",
             source, os.path.join(work, "typst.pdf"), os.path.join(ROOT, "fonts")]
    env = dict(os.environ, TYPST_IGNORE_SYSTEM_FONTS="1")

    results = {"inkstone build (EPUB + PDF)": [], f"typst {version} compile (PDF)": []}
    run(inkstone), run(typst, env)  # warm the file cache, not the programs
    for _ in range(a.runs):
        results["inkstone build (EPUB + PDF)"].append(run(inkstone))
        results[f"typst {version} compile (PDF)"].append(run(typst, env))

    medians = {}
    print(f"{a.runs} runs each, interleaved, fresh processes; median (min–max)")
    for name, samples in results.items():
        walls = [s[0] for s in samples]
        rss = [s[1] for s in samples]
        medians[name] = (statistics.median(walls), statistics.median(rss))
        print(f"  {name:32} {statistics.median(walls) * 1000:7.1f} ms ({min(walls) * 1000:.0f}–{max(walls) * 1000:.0f})"
              f"   peak {statistics.median(rss):6.1f} MiB")
    (ti, mi), (tt, mt) = medians.values()
    print(f"  ratio inkstone/typst: time {ti / tt:.2f}, memory {mi / mt:.2f}")
    sizes = {n: os.path.getsize(os.path.join(work, p)) for n, p in
             [("inkstone PDF", "out/book.pdf"), ("inkstone EPUB", "out/book.epub"), ("typst PDF", "typst.pdf")]}
    print("  sizes: " + ", ".join(f"{n} {s / 1024:.1f} KiB" for n, s in sizes.items()))
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
