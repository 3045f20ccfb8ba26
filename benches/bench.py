#!/usr/bin/env python3
"""Benchmark: inkstone (EPUB + PDF) against the native Typst CLI, on the same books.

usage: benches/bench.py [--runs N] [--long-runs M] [--inkstone PATH] [--skip-long]

Books: the article (book/), a generated long book of 1,000,000 characters in 100
chapters (benches/longbook.py), and a book of 24 chapters each showing a 2400 x 1600
photo (which inkstone scales for the EPUB and the PDF, and Typst embeds as it is);
inkstone alone also builds a 2,000,000-character book, to show that its cost grows
linearly. Each book is converted into an equivalent Typst
document (A5, Noto Serif CJK SC 10.5 pt from fonts/, baseline pitch 1.7, 2-em indent,
justified, 31-em measure, headings in Noto Sans CJK SC, chapters on new pages, running
folio). Typst writes only the PDF; inkstone writes the EPUB as well. `inkstone check`
(everything a build would report, without typesetting or writing) is timed beside them.

Typst is the native CLI (`typst` on PATH, else `cargo install typst-cli --locked`,
about 17 minutes once). Every run is a fresh process; the two tools alternate; the
figures are medians of wall time and peak memory (max RSS), with their ratios. The
machine is shared and noisy: compare only figures from the same run.

Both programs run from fresh copies in a temporary folder. How a binary's file sits in
the page cache changes its start: the same inkstone binary took 13.58 ms from a fresh
copy and 14.96 ms from a file written an hour before (41 interleaved runs), Typst 64.6
against 66.8 ms (31 runs). Copies put both tools in the same state, whatever their files'
age.
"""
import argparse
import glob
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "benches"))
import longbook  # noqa: E402

PREAMBLE = [
    '#set page(width: 148mm, height: 210mm, margin: (x: (148mm - 31 * 10.5pt) / 2, top: 20mm, bottom: 22mm),'
    ' footer: context if counter(page).get().first() > 1 [#set text(size: 9pt); #align(center)[#counter(page).display()]])',
    '#set text(font: "Noto Serif CJK SC", size: 10.5pt, lang: "zh", region: "cn")',
    '#set par(justify: true, leading: 0.7em, spacing: 0.7em, first-line-indent: (amount: 2em, all: true))',
    '#show heading: set text(font: "Noto Sans CJK SC", weight: "bold")',
    '#show heading: set align(center)',
    '#show heading.where(level: 1): it => { pagebreak(weak: true); set text(size: 20pt); it }',
]


def escape(text):
    return re.sub(r'([#\[\]*_`$\\<>@~])', r'\\\1', text)


def typst_source(book_dir, work):
    """The book's chapters as one Typst document (written into `work`), set like inkstone
    sets them."""
    out = list(PREAMBLE)
    for path in sorted(glob.glob(os.path.join(book_dir, "*.md"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for block in text.strip().split("\n\n"):
            block = block.strip().replace("\n", "")
            if block.startswith("# "):
                out.append("= " + escape(block[2:]))
            elif block.startswith("## "):
                out.append("== " + escape(block[3:]))
            elif block.startswith("!["):
                caption, target = re.match(r"!\[(.*)\]\((.*)\)", block).groups()
                path = os.path.relpath(os.path.join(book_dir, target), work)
                out.append(f'#figure(image("{path}", width: 100%), caption: [{escape(caption)}])')
            elif block.startswith("<p class=\"byline\">"):
                out.append("#align(right)[" + escape(re.sub(r"<[^>]+>", "", block)) + "]")
            else:
                out.append(escape(block))
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


def typst_binary():
    found = shutil.which("typst")
    if found:
        return found
    print("installing the Typst CLI (cargo install typst-cli --locked; about 17 minutes)")
    subprocess.run(["cargo", "install", "typst-cli", "--locked"], check=True)
    return shutil.which("typst") or os.path.expanduser("~/.cargo/bin/typst")


def summary(name, samples):
    walls = [s[0] for s in samples]
    rss = [s[1] for s in samples]
    print(f"  {name:34} {statistics.median(walls) * 1000:8.1f} ms ({min(walls) * 1000:.0f}–{max(walls) * 1000:.0f})"
          f"   peak {statistics.median(rss):7.1f} MiB")
    return statistics.median(walls), statistics.median(rss)


def compare(label, book_dir, work, inkstone, typst, runs):
    """Runs both tools `runs` times on one book, interleaved; prints medians and ratios."""
    source = os.path.join(work, f"{label}.typ")
    with open(source, "w", encoding="utf-8") as f:
        f.write(typst_source(book_dir, work))
    ink = [inkstone, "build", book_dir, "-o", os.path.join(work, f"out-{label}")]
    typ = [typst, "compile", "--font-path", os.path.join(ROOT, "fonts"), "--ignore-system-fonts",
           source, os.path.join(work, f"{label}-typst.pdf")]
    check = [inkstone, "check", book_dir]
    run(ink), run(typ), run(check)  # warm the file cache, not the programs
    samples = {"ink": [], "typ": [], "check": []}
    for _ in range(runs):
        samples["ink"].append(run(ink))
        samples["typ"].append(run(typ))
        samples["check"].append(run(check))
    print(f"{label}: {runs} runs each, interleaved, fresh processes; median (min–max)")
    ti, mi = summary("inkstone build (EPUB + PDF)", samples["ink"])
    tt, mt = summary("typst compile (PDF)", samples["typ"])
    tc, _ = summary("inkstone check", samples["check"])
    print(f"  ratio inkstone/typst: time {ti / tt:.2f}, memory {mi / mt:.2f}"
          f"; check/build: time {tc / ti:.2f}")
    return ti


def fresh_copy(binary, work):
    """A copy of `binary` in `work`, run in its place (see the module's notes)."""
    copy = os.path.join(work, "bin-" + os.path.basename(binary))
    shutil.copy2(binary, copy)
    return copy


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15, help="runs on the article")
    ap.add_argument("--long-runs", type=int, default=5, help="runs on the long books")
    ap.add_argument("--inkstone", help="the inkstone binary (default: build target/release/inkstone)")
    ap.add_argument("--skip-long", action="store_true", help="only the article")
    a = ap.parse_args()
    if a.inkstone:
        inkstone = os.path.abspath(a.inkstone)
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        inkstone = os.path.join(ROOT, "target", "release", "inkstone")
    typst = typst_binary()
    version = subprocess.run([typst, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"inkstone: {inkstone}\n{version}")
    work = tempfile.mkdtemp(prefix="inkstone-bench-")
    try:
        inkstone, typst = fresh_copy(inkstone, work), fresh_copy(typst, work)
        compare("article", os.path.join(ROOT, "book"), work, inkstone, typst, a.runs)
        if not a.skip_long:
            one = os.path.join(work, "long-1m")
            longbook.write(one, 1_000_000, 100)
            t1 = compare("1M characters", one, work, inkstone, typst, a.long_runs)
            two = os.path.join(work, "long-2m")
            longbook.write(two, 2_000_000, 200)
            samples = [run([inkstone, "build", two, "-o", os.path.join(work, "out-2m")])
                       for _ in range(a.long_runs)]
            print(f"2M characters: inkstone alone, {a.long_runs} runs")
            t2, _ = summary("inkstone build (EPUB + PDF)", samples)
            print(f"  time 2M / 1M: {t2 / t1:.2f}")
            photos = os.path.join(work, "photos")
            longbook.write(photos, 100_000, 24, photos=24)
            compare("24 photos", photos, work, inkstone, typst, a.long_runs)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
