#!/usr/bin/env python3
"""Writes a long book for benchmarks: about CHARS characters in CHAPTERS chapters.

usage: benches/longbook.py OUT_DIR [--chars 1000000] [--chapters 100] [--photos 0]

The text is public domain: the paragraphs of the test books in tests/books/lunyu
(the Analects, Simplified) and tests/books/mengzi (Mencius, Traditional), dealt out
in a fixed pseudo-random order until each chapter holds its share. Every chapter has
a title and, every twenty paragraphs, a section heading. With --photos N, each of the
first N chapters shows a photo after its first paragraph: the 2400 x 1600 JPEG of
tests/books/print, each copy made a distinct file by bytes after its end (which JPEG
readers ignore), so that no tool can share one copy among them. The same arguments
always give the same book.
"""
import argparse
import glob
import os
import random

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def corpus():
    """Every paragraph of the classical test books, in file order."""
    paragraphs = []
    for book in ("lunyu", "mengzi"):
        for path in sorted(glob.glob(os.path.join(ROOT, "tests", "books", book, "*.md"))):
            with open(path, encoding="utf-8") as f:
                for block in f.read().split("\n\n"):
                    block = block.strip()
                    if block and not block.startswith("#"):
                        paragraphs.append(block)
    return paragraphs


PHOTO = os.path.join(ROOT, "tests", "books", "print", "images", "landscape.jpg")


def write(out, chars, chapters, photos=0):
    paragraphs = corpus()
    rng = random.Random(20261127)
    per_chapter = chars // chapters
    os.makedirs(out, exist_ok=True)
    total = 0
    for c in range(chapters):
        body = [f"# 第{c + 1}章"]
        size = 0
        n = 0
        while size < per_chapter:
            if n and n % 20 == 0:
                body.append(f"## 第{n // 20}节")
            p = rng.choice(paragraphs)
            body.append(p)
            size += len(p)
            n += 1
            if n == 1 and c < photos:
                body.append(photo(out, c + 1))
        total += size
        with open(os.path.join(out, f"{c + 1:03d}.md"), "w", encoding="utf-8") as f:
            f.write("\n\n".join(body) + "\n")
    with open(os.path.join(out, "book.toml"), "w", encoding="utf-8") as f:
        f.write(f'[book]\ntitle = "长卷 {chars} 字"\nauthors = ["孔子弟子", "孟子"]\n'
                'language = "zh-CN"\ndate = "2026"\n')
    return total


def photo(out, number):
    """Writes photo `number` into OUT/images; returns the Markdown that shows it."""
    os.makedirs(os.path.join(out, "images"), exist_ok=True)
    name = f"images/photo-{number:03d}.jpg"
    with open(PHOTO, "rb") as f:
        data = f.read()
    with open(os.path.join(out, name), "wb") as f:
        f.write(data + f"photo {number}".encode())
    return f"![图{number}]({name})"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--chars", type=int, default=1_000_000)
    ap.add_argument("--chapters", type=int, default=100)
    ap.add_argument("--photos", type=int, default=0)
    a = ap.parse_args()
    total = write(a.out, a.chars, a.chapters, a.photos)
    print(f"{a.out}: {a.chapters} chapters, {total} characters")


if __name__ == "__main__":
    main()
