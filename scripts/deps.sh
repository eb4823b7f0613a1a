#!/usr/bin/env bash
# Installs the Debian packages whose programs the tests and the benchmark run (PDF text extraction,
# wrk, pgbench…) when they are missing. Each line below is "program package". Needs root or sudo only when something is missing.
set -euo pipefail
needed=(
  "pdftotext poppler-utils"
  "pdftoppm poppler-utils"
  "chromium chromium"
  "qpdf qpdf"
  "zbarimg zbar-tools"
  "soffice libreoffice-calc-nogui"
  "node nodejs"
  "npm npm"
  "wrk wrk"
  "pgbench postgresql-client"
)
# Chromium's default fonts lack some Vietnamese letters.
[ -d /usr/share/fonts/truetype/noto ] || missing_fonts=fonts-noto-core
missing=()
for pair in "${needed[@]}"; do
  read -r prog pkg <<<"$pair"
  command -v "$prog" >/dev/null 2>&1 || missing+=("$pkg")
done
[ -n "${missing_fonts:-}" ] && missing+=("$missing_fonts")
run() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "deps.sh: installing ${missing[*]}" >&2
  run env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# The iCalendar feed is checked by an independent parser, ical.js, run with Node from tools/icalcheck
# at the versions of its committed lock file.
icalcheck="$(dirname "$0")/../tools/icalcheck"
if [ ! -d "$icalcheck/node_modules/ical.js" ]; then
  echo "deps.sh: installing ical.js for tools/icalcheck" >&2
  (cd "$icalcheck" && npm ci --no-audit --no-fund --silent) >&2
fi
