#!/usr/bin/env python3
"""Regenerate the bundled fonts in fonts/ from Debian's fonts-noto-cjk.

usage: scripts/subset-fonts.py [--source DIR] [--out DIR]

Needs fontTools (pip install fonttools) and the Debian package fonts-noto-cjk
(apt-get install fonts-noto-cjk), which installs the .ttc collections under
/usr/share/fonts/opentype/noto. Each output is one face of a collection, subset
to the character repertoire below with every OpenType layout feature kept
(halt/palt/vert/... are what the typesetter uses), hinting dropped, and a
format 12 cmap (see unicode_cmap).

Repertoire, for the text faces (serif regular/bold, sans bold):
  * every character of GBK (21,886: all 20,902 CJK Unified Ideographs of
    Unicode 1.1, so every hanzi of GB 2312 and of Big5 as well),
  * CJK symbols and punctuation, full-width forms, vertical forms,
  * Latin letters, digits, Latin-1 and Latin Extended-A/B (pinyin tones),
    general punctuation, letterlike symbols, arrows, enclosed numbers.
The monospace face (code) gets GB 2312 plus the same non-hanzi ranges.
"""
import argparse
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

FACES = [
    # (output file, source collection, face index, repertoire)
    ("NotoSerifCJKsc-Regular.otf", "NotoSerifCJK-Regular.ttc", 2, "gbk"),
    ("NotoSerifCJKsc-Bold.otf", "NotoSerifCJK-Bold.ttc", 2, "gbk"),
    ("NotoSansCJKsc-Bold.otf", "NotoSansCJK-Bold.ttc", 2, "gbk"),
    ("NotoSansMonoCJKsc-Regular.otf", "NotoSansCJK-Regular.ttc", 7, "gb2312"),
]

RANGES = [
    (0x0020, 0x007E), (0x00A0, 0x024F),  # Basic Latin, Latin-1, Extended-A/B
    (0x02B0, 0x02FF), (0x0300, 0x036F),  # modifier letters, combining marks
    (0x0391, 0x03C9), (0x0401, 0x0451),  # Greek, Cyrillic (in GB 2312)
    (0x1E00, 0x1EFF),                    # Latin Extended Additional
    (0x2000, 0x206F), (0x20A0, 0x20CF),  # general punctuation, currency
    (0x2100, 0x218F), (0x2190, 0x21FF),  # letterlike, number forms, arrows
    (0x2200, 0x22FF), (0x2460, 0x24FF),  # math operators, enclosed alphanumerics
    (0x2500, 0x257F), (0x25A0, 0x27BF),  # box drawing, shapes, symbols, dingbats
    (0x3000, 0x303F), (0x3040, 0x30FF),  # CJK punctuation, kana
    (0x3100, 0x312F), (0x31A0, 0x31BF),  # bopomofo
    (0x3200, 0x33FF),                    # enclosed CJK, CJK compatibility
    (0xFE10, 0xFE1F), (0xFE30, 0xFE4F),  # vertical forms, CJK compatibility forms
    (0xFF00, 0xFFEF),                    # half-width and full-width forms
]


def encodable(codec, lead, trail):
    out = set()
    for a in lead:
        for b in trail:
            try:
                out.add(ord(bytes([a, b]).decode(codec)))
            except (UnicodeDecodeError, TypeError):
                pass
    return out


def repertoire(name):
    cps = {cp for lo, hi in RANGES for cp in range(lo, hi + 1)}
    if name == "gbk":
        cps |= encodable("gbk", range(0x81, 0xFF), range(0x40, 0xFF))
    else:
        cps |= encodable("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))
    return sorted(cps)


def unicode_cmap(font):
    """Replaces the cmap with format 12 subtables (Unicode full repertoire, Windows UCS-4).

    A format 4 subtable cannot hold this many scattered mappings in its 64 KiB: fontTools
    writes one whose length field wraps, and parsers that respect the length (ttf-parser,
    used by inkstone) then miss characters. Format 12 has no such limit.
    """
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    mapping = font.getBestCmap()
    tables = []
    for platform, encoding in ((0, 4), (3, 10)):
        sub = CmapSubtable.newSubtable(12)
        sub.platformID, sub.platEncID, sub.language = platform, encoding, 0
        sub.cmap = dict(mapping)
        tables.append(sub)
    font["cmap"].tables = tables


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", default="/usr/share/fonts/opentype/noto")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "fonts"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for out_name, ttc, index, rep in FACES:
        font = TTCollection(os.path.join(a.source, ttc)).fonts[index]
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.hinting = False
        options.desubroutinize = False
        options.notdef_outline = True
        options.recalc_timestamp = False  # reproducible output
        sub = subset.Subsetter(options)
        sub.populate(unicodes=repertoire(rep))
        sub.subset(font)
        unicode_cmap(font)
        path = os.path.join(a.out, out_name)
        font.recalcTimestamp = False  # keep head.modified: the same input gives the same bytes
        font.save(path)
        print(f"{path}: {os.path.getsize(path):,} bytes, {len(font.getBestCmap()):,} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
