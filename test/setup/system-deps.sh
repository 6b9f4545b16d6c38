#!/usr/bin/env bash
# Installs the system programs the e2e and Prometheus checks drive for real: Debian's chromium
# (playwright cannot download its own browser here), prometheus (for promtool and a scrape) and
# prometheus-alertmanager (for amtool and alert delivery).
# Runs as root with apt-get; anywhere else it fails with one clear line.
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core (playwright drives only its
# own patched Firefox builds, which it cannot download here).
[[ -x /usr/bin/firefox-esr ]] || missing+=(firefox-esr)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
# victoria-metrics: the second query engine the fleet dashboard and the shipped queries are checked on.
command -v victoria-metrics >/dev/null 2>&1 || missing+=(victoria-metrics)
((${#missing[@]} == 0)) && exit 0

# Deduplicate (prometheus ships promtool, prometheus-alertmanager amtool).
read -r -a missing <<<"$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')"

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "pulse test setup: missing ${missing[*]}; install them (Debian: apt-get install ${missing[*]}) and run again." >&2
  exit 1
fi

echo "pulse test setup: installing ${missing[*]} with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq "${missing[@]}" >/dev/null
