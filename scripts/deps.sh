#!/usr/bin/env bash
# Installs the Debian packages whose programs the tests run (PDF text extraction, …) when they are
# missing. Each line below is "program package". Needs root or sudo only when something is missing.
set -euo pipefail
needed=(
  "pdftotext poppler-utils"
  "pdftoppm poppler-utils"
  "chromium chromium"
  "qpdf qpdf"
  "zbarimg zbar-tools"
  "soffice libreoffice-calc-nogui"
)
# Chromium's default fonts lack some Vietnamese letters.
[ -d /usr/share/fonts/truetype/noto ] || missing_fonts=fonts-noto-core
missing=()
for pair in "${needed[@]}"; do
  read -r prog pkg <<<"$pair"
  command -v "$prog" >/dev/null 2>&1 || missing+=("$pkg")
done
[ -n "${missing_fonts:-}" ] && missing+=("$missing_fonts")
[ ${#missing[@]} -eq 0 ] && exit 0
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
echo "deps.sh: installing ${missing[*]}" >&2
run() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
run env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
