#!/usr/bin/env python3
"""Writes a transcript whose MCP calls pass one argument with a different
JSON type in every turn (number, string, list, object, null, bool, float):
the case that breaks naive Arrow schema inference."""
import json
import sys

lines = []
parent = None
for i, value in enumerate([1, "one", [1, 2], {"a": 1}, None, True, 1.5]):
    for kind, message in [
        ("user", {"role": "user", "content": f"prompt {i}"}),
        ("assistant", {"id": f"m{i}", "role": "assistant", "content": [
            {"type": "tool_use", "id": f"c{i}", "name": "mcp__typed__call", "input": {"q": value, f"k{i}": i}}]}),
        ("user", {"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"c{i}", "content": [{"type": "text", "text": "r"}]}]}),
        ("assistant", {"id": f"a{i}", "role": "assistant", "content": [{"type": "text", "text": f"answer {i}"}]}),
    ]:
        uuid = f"typed-{len(lines)}"
        lines.append(json.dumps({"type": kind, "uuid": uuid, "parentUuid": parent, "sessionId": "typed",
                                 "timestamp": "2026-01-01T00:00:00.000Z", "message": message}))
        parent = uuid
with open(sys.argv[1], "w") as f:
    f.write("\n".join(lines) + "\n")
