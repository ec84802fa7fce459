#!/usr/bin/env python3
"""Interoperability check: shards written by thresh load in the tools people
train with.

For every JSONL format and both compressions, this script scans an archive
with `thresh scan`, loads the shards straight from `.jsonl.zst` / `.jsonl.gz`
with Hugging Face `datasets.load_dataset("json", ...)`, and checks the row
count against the manifest and that every column got a type (no Arrow cast
error, also where argument values differ in type between examples). The
`openai` shards also go through OpenAI's chat fine-tuning format checks (the
validation from OpenAI's cookbook, written out below and extended to tool
calls: roles `tool`, `tool_calls`, `tool_call_id`).

Usage: check_shards.py THRESH ARCHIVE [ARCHIVE...]
Ends with the line "interop: N passed, M failed"; exits 1 if any failed.
"""
import atexit
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

import datasets
import zstandard

FORMATS = ["openai", "messages", "sharegpt", "chatml", "alpaca", "unified"]
COMPRESSIONS = [("zstd", "zst"), ("gzip", "gz")]


def openai_format_errors(example):
    """OpenAI cookbook, "Chat fine-tuning data prep": format validation,
    with the tool-call roles and keys of today's chat format."""
    errors = collections.Counter()
    messages = example.get("messages")
    if not messages:
        errors["missing_messages_list"] += 1
        return errors
    for message in messages:
        if "role" not in message or ("content" not in message and "tool_calls" not in message):
            errors["message_missing_key"] += 1
        if any(k not in ("role", "content", "name", "tool_calls", "tool_call_id", "weight") for k in message):
            errors["message_unrecognized_key"] += 1
        if message.get("role") not in ("system", "user", "assistant", "tool"):
            errors["unrecognized_role"] += 1
        content = message.get("content")
        calls = message.get("tool_calls")
        if message.get("role") == "assistant" and calls:
            if content is not None and not isinstance(content, str):
                errors["missing_content"] += 1
            for call in calls:
                function = call.get("function", {})
                if call.get("type") != "function" or not isinstance(function.get("name"), str):
                    errors["bad_tool_call"] += 1
                try:
                    json.loads(function.get("arguments"))
                except (TypeError, ValueError):
                    errors["arguments_not_json"] += 1
        elif not isinstance(content, str) or (not content and message.get("role") != "tool"):
            errors["missing_content"] += 1
        if message.get("role") == "tool" and not isinstance(message.get("tool_call_id"), str):
            errors["tool_without_call_id"] += 1
    if not any(m.get("role") == "assistant" for m in messages):
        errors["example_missing_assistant_message"] += 1
    return errors


def main():
    thresh, roots = sys.argv[1], sys.argv[2:]
    datasets.disable_progress_bars()
    passed = failed = 0
    work = tempfile.mkdtemp(prefix="thresh-interop-")
    atexit.register(shutil.rmtree, work, ignore_errors=True)  # shards of all formats: hundreds of MB per run

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}: {detail}")

    for fmt in FORMATS:
        for compression, suffix in COMPRESSIONS:
            name = f"{fmt}/{compression}"
            out = os.path.join(work, f"{fmt}-{compression}")
            subprocess.run([thresh, "scan", *roots, "-o", out, "--settle", "0", "--all-tools",
                            "--format", fmt, "--compression", compression, "--quiet"], check=True)
            manifest = json.load(open(os.path.join(out, "manifest.json")))
            files = sorted(glob.glob(os.path.join(out, "shards", f"*.jsonl.{suffix}")))
            check(name + " shards", len(files) == len(manifest["shards"]) and files, f"{len(files)} files")
            try:
                table = datasets.load_dataset("json", data_files=files, split="train",
                                              cache_dir=os.path.join(work, "cache", fmt + compression))
            except Exception as error:  # an Arrow cast error is exactly what this test looks for
                check(name + " load", False, f"{type(error).__name__}: {str(error)[:300]}")
                continue
            check(name + " rows", len(table) == manifest["examples"], f"{len(table)} rows, manifest {manifest['examples']}")
            check(name + " columns typed", all(feature is not None for feature in table.features.values()), str(table.features))
            if fmt == "openai":
                totals = collections.Counter()
                for example in table:
                    messages = [json.loads(m) if isinstance(m, str) else m for m in example["messages"]]
                    totals.update(openai_format_errors({"messages": messages}))
                check(name + " OpenAI format checks", not totals, dict(totals))
    # --split: the three parts load as one DatasetDict, each with the rows
    # the manifest lists for it (README shows the same call).
    out = os.path.join(work, "split")
    subprocess.run([thresh, "scan", *roots, "-o", out, "--settle", "0", "--all-tools", "--split", "60,20,20",
                    "--quiet"], check=True)
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    expected = collections.Counter()
    for shard in manifest["shards"]:
        expected[shard["split"]] += shard["records"]
    data_files = {key: sorted(glob.glob(os.path.join(out, "shards", part, "*.jsonl.zst")))
                  for key, part in (("train", "train"), ("validation", "val"), ("test", "test"))}
    data_files = {key: files for key, files in data_files.items() if files}
    try:
        splits = datasets.load_dataset("json", data_files=data_files, cache_dir=os.path.join(work, "cache", "split"))
        check("split DatasetDict", isinstance(splits, datasets.DatasetDict), type(splits).__name__)
        for key, part in (("train", "train"), ("validation", "val"), ("test", "test")):
            rows = len(splits[key]) if key in splits else 0
            check(f"split {part} rows", rows == expected[part], f"{rows} rows, manifest {expected[part]}")
        check("split total", sum(expected.values()) == manifest["examples"], str(expected))
    except Exception as error:
        check("split load", False, f"{type(error).__name__}: {str(error)[:300]}")
    # A shard big enough to span several of libzstd's jobs (8 MiB of input
    # each at level 3; thresh compresses with one zstd worker thread): the
    # same bytes whatever --jobs, one frame that python-zstandard's default
    # stream reader and `zstd -d` read whole.
    synth = os.path.join(work, "synth")
    subprocess.run([thresh, "synth", synth, "--size", "96MiB", "--seed", "5"], check=True, capture_output=True)
    shards = {}
    for jobs in ("1", "2"):
        out = os.path.join(work, f"jobs{jobs}")
        subprocess.run([thresh, "scan", synth, "-o", out, "--settle", "0", "--all-tools", "--jobs", jobs, "--quiet"],
                       check=True)
        shards[jobs] = (out, json.load(open(os.path.join(out, "manifest.json")))["shards"])
    out, listed = shards["1"]
    big = max(listed, key=lambda shard: shard["uncompressed_bytes"])
    check("zstd shard spans several jobs", big["uncompressed_bytes"] > 3 * (8 << 20), str(big["uncompressed_bytes"]))
    same = all(open(os.path.join(out, "shards", shard["name"]), "rb").read()
               == open(os.path.join(shards["2"][0], "shards", shard["name"]), "rb").read() for shard in listed)
    check("zstd shards identical at --jobs 1 and 2", same and len(listed) == len(shards["2"][1]))
    path = os.path.join(out, "shards", big["name"])
    with open(path, "rb") as f:
        content = zstandard.ZstdDecompressor().stream_reader(f).read()
    check("python-zstandard reads the shard whole", len(content) == big["uncompressed_bytes"]
          and content.count(b"\n") == big["records"], f"{len(content)} bytes")
    # A decompressobj stops at the end of the first frame: all of it, nothing after.
    first = zstandard.ZstdDecompressor().decompressobj()
    check("one zstd frame", first.decompress(open(path, "rb").read()) == content and not first.unused_data)
    if shutil.which("zstd"):
        cli = subprocess.run(["zstd", "-dc", path], check=True, capture_output=True).stdout
        check("zstd -d reads the shard whole", cli == content, f"{len(cli)} bytes")
    print(f"interop: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
