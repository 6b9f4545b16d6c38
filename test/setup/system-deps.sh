#!/usr/bin/env bash
# Installs the system programs the e2e and Prometheus checks drive for real: Debian's chromium
# (playwright cannot download its own browser here), prometheus (for promtool and a scrape) and
# prometheus-alertmanager (for amtool and alert delivery), victoria-metrics and nginx.
# Runs as root with apt-get; anywhere else it fails with one clear line.
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# Debian's Firefox ESR, driven over WebDriver BiDi by puppeteer-core (playwright drives only its
# own patched Firefox builds, which it cannot download here).
[[ -x /usr/bin/firefox-esr ]] || missing+=(firefox-esr)
# WebKit, Safari's engine: WebKitGTK's MiniBrowser under WebKitWebDriver (W3C WebDriver, driven by
# selenium-webdriver); MiniBrowser has no headless mode, so it runs on an Xvfb display.
command -v WebKitWebDriver >/dev/null 2>&1 || missing+=(webkit2gtk-driver)
command -v Xvfb >/dev/null 2>&1 || missing+=(xvfb)
command -v prometheus >/dev/null 2>&1 || missing+=(prometheus)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
# victoria-metrics: the second query engine the fleet dashboard and the shipped queries are checked on.
command -v victoria-metrics >/dev/null 2>&1 || missing+=(victoria-metrics)
# nginx: the reverse proxy in front of the collector that names each client's country in a
# header, as a CDN does, for the geography checks.
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || missing+=(nginx-light)
# iptables, gcc and libnetfilter-queue-dev: the WebRTC accuracy test builds nfqdelay
# (test/fixtures/netlab/nfqdelay.c) and sends a network namespace's UDP through it.
command -v iptables >/dev/null 2>&1 || [[ -x /usr/sbin/iptables ]] || missing+=(iptables)
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
[[ -f /usr/include/libnetfilter_queue/libnetfilter_queue.h ]] || missing+=(libnetfilter-queue-dev)
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
