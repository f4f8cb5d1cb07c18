#!/usr/bin/env bash
# Make sure the machine has what the product needs beyond Python packages:
# Python 3.11+ with venv, Pango/HarfBuzz for WeasyPrint, Chinese fonts for the PDFs, and npm for the
# browser libraries.
# Installs missing Debian/Ubuntu packages when run as root; otherwise says what to install.
set -euo pipefail

PYTHON=${PYTHON:-python3}
missing=()

if ! command -v "$PYTHON" >/dev/null 2>&1; then
  echo "找不到 $PYTHON：请先安装 Python 3.11 或更新版本。" >&2
  exit 1
fi
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
  echo "需要 Python 3.11 或更新版本，当前为：$("$PYTHON" --version 2>&1)。可用 PYTHON=python3.12 make ... 指定。" >&2
  exit 1
fi
"$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)

have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }
have_lib 'libpango-1.0.so' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so' || missing+=(libharfbuzz-subset0)
if ! command -v fc-list >/dev/null 2>&1; then
  missing+=(fontconfig fonts-noto-cjk)
elif ! fc-list :lang=zh family 2>/dev/null | grep -qi 'Noto Sans CJK'; then
  missing+=(fonts-noto-cjk)
fi

command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)  # PDF page previews in the tests
command -v chromium >/dev/null 2>&1 || missing+=(chromium)  # the browser tests drive Debian's Chromium
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)  # browser libraries (bundler/static/package.json)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "正在安装系统依赖：${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  command -v fc-cache >/dev/null 2>&1 && fc-cache -f >/dev/null 2>&1 || true
  exit 0
fi

echo "缺少系统依赖：${missing[*]}" >&2
echo "请以管理员身份安装后重试，例如：sudo apt-get install ${missing[*]}" >&2
exit 1
