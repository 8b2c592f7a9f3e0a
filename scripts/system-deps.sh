#!/usr/bin/env bash
# Debian packages the test suite uses: Chromium for the browser tests, a Java runtime for the
# Spark tests (PySpark runs in local mode on the JVM).
# Installed only when running as root; otherwise those tests skip and say why.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "system-deps: not root, not installing ${need[*]}; browser or Spark tests will skip." >&2
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: no apt-get here, not installing ${need[*]}; browser or Spark tests will skip." >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || echo "system-deps: apt-get update failed" >&2
apt-get install -y -qq --no-install-recommends "${need[@]}" fonts-dejavu-core >/dev/null 2>&1 \
  || echo "system-deps: could not install ${need[*]}; browser or Spark tests will skip." >&2
exit 0
