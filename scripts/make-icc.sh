#!/usr/bin/env bash
# Regenerates the print master's CMYK output profile, src/pdf/emit/icc/FOGRA39-inkstone.icc,
# from the FOGRA39 characterization data in Debian's icc-profiles-free (Zlib licence),
# with ArgyllCMS's colprof; and copies that package's sRGB profile beside it.
# (colprof stamps the date into the profile, so a new run differs in its header only.)
set -euo pipefail
cd "$(dirname "$0")/.."
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
if ! command -v colprof >/dev/null || [ ! -f /usr/share/color/icc/FOGRA39L.ti3 ]; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq argyll icc-profiles-free >/dev/null
fi
work=$(mktemp -d)
cp /usr/share/color/icc/FOGRA39L.ti3 "$work/"
(cd "$work" && colprof -qm -kr -l300 \
  -D "Coated FOGRA39 (inkstone, made with ArgyllCMS from icc-profiles-free FOGRA39L.ti3)" \
  -C "Zlib licence: FOGRA39L.ti3 (c) Kai-Uwe Behrmann" FOGRA39L)
cp "$work/FOGRA39L.icc" src/pdf/emit/icc/FOGRA39-inkstone.icc
cp /usr/share/color/icc/sRGB.icc src/pdf/emit/icc/sRGB.icc
rm -rf "$work"
ls -l src/pdf/emit/icc/
