#!/usr/bin/env bash
# Regenerates covers/book.png, the default book's cover as inkstone draws it (the EPUB's
# cover image; also the file to upload as the cover to Apple Books, Kobo or Google Play).
# tests/article.rs checks that the committed file is up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
cargo run --quiet --release -- build book --format epub -o "$out"
python3 - "$out/book.epub" covers/book.png <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[2], "wb") as f:
    f.write(z.read("OEBPS/cover.png"))
PY
rm -rf "$out"
echo "covers/book.png updated"
