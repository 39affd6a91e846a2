#!/usr/bin/env bash
# Makes /usr/bin/chromium available for the browser tests (test/e2e/playground.test.ts drive the
# Microsoft 365 Agents Playground with playwright-core and the system Chromium, so no Playwright
# browser download is needed). On a fresh Debian/Ubuntu machine running as root it installs the
# distribution's `chromium` package; otherwise it explains why it can't and exits 0, so the
# browser suite skips itself with a clear reason instead of the whole test run failing here.
#
# Environment:
#   CHROMIUM_PATH          where the tests expect the browser (default /usr/bin/chromium)
#   APT_LOCK_TIMEOUT       seconds to wait for another apt/dpkg to release its lock (default 300)
#   SKIP_CHROMIUM_INSTALL  set to 1 to never install (report only)
set -uo pipefail

CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
LOCK_TIMEOUT="${APT_LOCK_TIMEOUT:-300}"

say() { echo "ensure-chromium: $*"; }

if [ -x "$CHROMIUM_PATH" ]; then
  say "found $CHROMIUM_PATH ($("$CHROMIUM_PATH" --version 2>/dev/null | head -n1 || echo 'version unknown'))"
  exit 0
fi

if [ "${SKIP_CHROMIUM_INSTALL:-0}" = "1" ]; then
  say "$CHROMIUM_PATH is missing and SKIP_CHROMIUM_INSTALL=1; the browser tests will be skipped"
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  say "$CHROMIUM_PATH is missing and this is not root, so it cannot be installed here."
  say "install it with: sudo apt-get install -y --no-install-recommends chromium"
  say "the browser (Agents Playground) tests will be skipped"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "$CHROMIUM_PATH is missing and there is no apt-get on this machine; install Chromium at $CHROMIUM_PATH by hand"
  say "the browser (Agents Playground) tests will be skipped"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
LOG="$(mktemp -t ensure-chromium.XXXXXX.log)"
# DPkg::Lock::Timeout makes apt wait for another apt/dpkg (unattended-upgrades, a parallel job)
# instead of failing at once with "could not get lock".
APT=(apt-get -qq -o "DPkg::Lock::Timeout=${LOCK_TIMEOUT}")

install_chromium() {
  "${APT[@]}" install -y --no-install-recommends chromium >>"$LOG" 2>&1
}

candidate_known() {
  apt-cache policy chromium 2>/dev/null | grep -q 'Candidate: [0-9]'
}

say "$CHROMIUM_PATH is missing; installing Debian's chromium package (log: $LOG)"
# Package lists on a fresh image are often empty or stale: refresh them once, and only when the
# package isn't known or the first install attempt fails (e.g. a mirror moved on).
updated=0
if ! candidate_known; then
  "${APT[@]}" update >>"$LOG" 2>&1 && updated=1
fi
if ! install_chromium; then
  if [ "$updated" = "0" ]; then
    "${APT[@]}" update >>"$LOG" 2>&1
    install_chromium
  fi
fi

if [ -x "$CHROMIUM_PATH" ]; then
  say "installed $("$CHROMIUM_PATH" --version 2>/dev/null | head -n1 || echo "$CHROMIUM_PATH")"
  rm -f "$LOG"
  exit 0
fi

say "could not install Chromium; last lines of $LOG:"
tail -n 15 "$LOG" | sed 's/^/  /'
say "the browser (Agents Playground) tests will be skipped"
exit 0
