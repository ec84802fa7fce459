#!/usr/bin/env python3
"""Writes libFuzzer seed corpora from the repository's own fixtures: each
line of the demo archive for the tokenizer, and its strings plus texts with
a secret of every rule for the redaction matcher."""
import glob, json, os, sys

out = sys.argv[1]
os.makedirs(f"{out}/json", exist_ok=True)
os.makedirs(f"{out}/redaction", exist_ok=True)
count = 0
for path in sorted(glob.glob("fixtures/demo-archive/**/*.jsonl", recursive=True)):
    for line in open(path, "rb").read().split(b"\n"):
        if not line:
            continue
        open(f"{out}/json/line-{count:04d}", "wb").write(line)
        try:
            value = json.loads(line)
        except ValueError:
            continue
        def strings(v):
            if isinstance(v, str):
                yield v
            elif isinstance(v, dict):
                for x in v.values():
                    yield from strings(x)
            elif isinstance(v, list):
                for x in v:
                    yield from strings(x)
        for index, text in enumerate(s for s in strings(value) if len(s) > 8):
            open(f"{out}/redaction/text-{count:04d}-{index}", "wb").write(text.encode())
        count += 1
secrets = [
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
    "AKIAIOSFODNN7EXAMPLE", "ghp_" + "a" * 36, "github_pat_" + "B" * 40, "glpat-" + "c" * 20,
    "xoxb-1234-5678-abcdefgh", "sk-ant-api03-" + "d" * 40, "sk-proj-" + "e1" * 12, "AIza" + "f" * 35,
    "sk_live_" + "g" * 24, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nature-1",
    "Authorization: Bearer abcdef123456", "postgres://user:hunter2@db:5432/x",
    "DB_PASSWORD=hunter2", '"api_key": "k-123456"', "mail me at dev@company.io",
]
for index, secret in enumerate(secrets):
    open(f"{out}/redaction/secret-{index:02d}", "wb").write(f"before {secret} after".encode())
