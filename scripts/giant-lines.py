#!/usr/bin/env python3
"""Writes the one-file archives docs/performance.md measures peak memory on:
  DIR/big       a 100 MB tool result in a selected MCP turn
  DIR/brackets  50 MB of `[` (rejected at depth 512)
  DIR/partial   a 1 GiB partial last line (no newline yet)
  DIR/dense     a 98 MB progress record of 3 million small objects
  DIR/unselected a 500 MB tool result of a Bash call (never decoded)
  DIR/malformed a 300 MB line missing its closing brace
  DIR/dense-call, DIR/dense-bash  an assistant line whose call input holds
                3 million small objects (98 MB), an MCP call and a Bash one"""
import json, os, sys

out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/mem"
def base(kind, uuid, parent, **extra):
    return {"type": kind, "uuid": uuid, "parentUuid": parent, "sessionId": "s", "timestamp": "2026-01-01T00:00:00Z", **extra}
turn = [
    base("user", "u1", None, message={"role": "user", "content": "go"}),
    base("assistant", "u2", "u1", message={"id": "m1", "role": "assistant", "model": "m",
         "content": [{"type": "tool_use", "id": "c1", "name": "mcp__s__t", "input": {"q": 1}}]}),
    base("user", "u3", "u2", message={"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "c1", "content": "x" * 100_000_000}]}),
    base("assistant", "u4", "u3", message={"id": "m2", "role": "assistant", "model": "m",
         "content": [{"type": "text", "text": "done"}]}),
]
for name in ["big", "brackets", "partial", "dense"]:
    os.makedirs(f"{out}/{name}", exist_ok=True)
with open(f"{out}/big/s.jsonl", "w") as f:
    for record in turn:
        f.write(json.dumps(record) + "\n")
with open(f"{out}/brackets/s.jsonl", "w") as f:
    f.write("[" * 50_000_000 + "\n")
with open(f"{out}/partial/s.jsonl", "w") as f:
    f.write(json.dumps(turn[0]) + "\n" + '{"type":"user","x":"')
    for _ in range(64):
        f.write("y" * (1 << 24))
with open(f"{out}/dense/s.jsonl", "w") as f:
    f.write(json.dumps(base("progress", "p1", None, data={"items": [{"k": i, "v": "abcdefgh"} for i in range(3_000_000)]})) + "\n")
# Lines that must not be held whole: a 500 MB tool result of a turn that is
# not selected (a Bash call), and a 300 MB line that turns out malformed at
# its end.
os.makedirs(f"{out}/unselected", exist_ok=True)
with open(f"{out}/unselected/s.jsonl", "w") as f:
    bash = json.loads(json.dumps(turn))
    bash[1]["message"]["content"][0]["name"] = "Bash"
    bash[2]["message"]["content"][0]["content"] = "x" * 500_000_000
    for record in bash:
        f.write(json.dumps(record) + "\n")
os.makedirs(f"{out}/malformed", exist_ok=True)
with open(f"{out}/malformed/s.jsonl", "w") as f:
    f.write(json.dumps(turn[0]) + "\n")
    f.write('{"type":"user","message":{"role":"user","content":"' + "z" * 300_000_000 + '"}\n')
# An assistant line whose call input holds 3 million small objects (98 MB):
# selected (an MCP tool) and not (Bash).
items = [{"k": i, "v": "abcdefgh"} for i in range(3_000_000)]
for name, tool in [("dense-call", "mcp__s__t"), ("dense-bash", "Bash")]:
    os.makedirs(f"{out}/{name}", exist_ok=True)
    with open(f"{out}/{name}/s.jsonl", "w") as f:
        dense = json.loads(json.dumps(turn))
        dense[1]["message"]["content"][0]["name"] = tool
        dense[1]["message"]["content"][0]["input"] = {"items": items}
        for record in dense:
            f.write(json.dumps(record) + "\n")
