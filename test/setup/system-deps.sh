#!/usr/bin/env bash
# Installs the system programs the e2e and Prometheus checks drive for real: Debian's chromium
# (playwright cannot download its own browser here) and prometheus (for promtool and a scrape).
# Runs as root with apt-get; anywhere else it fails with one clear line.
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
((${#missing[@]} == 0)) && exit 0

# Deduplicate (prometheus ships promtool).
read -r -a missing <<<"$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')"

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "pulse test setup: missing ${missing[*]}; install them (Debian: apt-get install ${missing[*]}) and run again." >&2
  exit 1
fi

echo "pulse test setup: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${missing[@]}" >/dev/null
