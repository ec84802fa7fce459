#!/usr/bin/env bash
# Interoperability test: installs `datasets` and `zstandard` from PyPI into a
# throwaway virtualenv and loads thresh's shards with them (check_shards.py).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$here/../.."
thresh="${THRESH:-$root/.build/debug/thresh}"
venv="$(mktemp -d)/venv"
trap 'rm -rf "$(dirname "$venv")"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check datasets zstandard
archive="$(mktemp -d)"
trap 'rm -rf "$(dirname "$venv")" "$archive"' EXIT
cp -r "$root/fixtures/demo-archive" "$archive/demo"
"$venv/bin/python" "$here/typed_arguments.py" "$archive/demo/typed.jsonl"
roots=("$archive/demo")
[ -d "$root/../shared/corpus-real" ] && roots+=("$root/../shared/corpus-real")
"$venv/bin/python" "$here/check_shards.py" "$thresh" "${roots[@]}"
