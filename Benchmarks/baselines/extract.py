#!/usr/bin/env python3
"""The peer a user would otherwise write: SPEC.md v1.1 in Python with orjson.

A baseline for `thresh bench`, written to be honest rather than slow: orjson
for parsing, a byte prefilter that skips lines which cannot be user or
assistant records (nor sidechain records, whose parents matter), and a
process per core over files. It writes the examples (openai format, JSONL)
and their ids; `thresh bench` checks that the id sets match before it
reports a speed ratio.

Known simplifications (documented, not hidden): the prefilter expects compact
JSON (`"type":"user"`), as Claude Code writes it; records skipped by the
prefilter cannot act as parents of sidechain records; malformed lines that the
prefilter skips are not counted.

Usage: extract.py OUT_JSONL IDS_FILE ROOT [ROOT...] [--tools all|mcp] [--settle S] [--jobs N]
"""
import argparse
import json
import multiprocessing
import os
import sys
import time

import orjson
import xxhash

WS = " \t\n\r"
CLOSING = ("<bash-input>", "<bash-stdout>", "<bash-stderr>", "<local-command-stdout>",
           "<local-command-stderr>", "<task-notification>")
IGNORED = ("<system-reminder>", "<local-command-caveat>")
SKIP_DIRS = {"tool-results", "session-memory", "workflows"}


class Raw(str):
    """A number kept exactly as written."""


def canon(value):
    """Canonical JSON text (SPEC §5) of a value parsed with Raw numbers."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ",".join(canon(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + canon(v) for k, v in value.items()) + "}"
    return json.dumps(value)


def reject_constant(name):
    raise ValueError(name)


def raw_parse(line):
    return json.loads(line, parse_float=Raw, parse_int=Raw, parse_constant=reject_constant)


def discover(roots):
    files = []
    for index, root in enumerate(roots):
        if os.path.isfile(root):
            files.append((index, root, os.path.basename(root)))
            continue
        found = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not os.path.islink(os.path.join(folder, d))]
            for name in names:
                path = os.path.join(folder, name)
                if not name.endswith(".jsonl") or name == "journal.jsonl" or os.path.islink(path):
                    continue
                if name.startswith("agent-acompact-") or name.startswith("agent-aprompt_suggestion-"):
                    continue
                found.append((index, path, os.path.relpath(path, root)))
        found.sort(key=lambda f: f[2].encode("utf-8", "surrogateescape"))
        files.extend(found)
    return files


def pieces_of(content):
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        out = []
        for block in content:
            kind = block.get("type") if isinstance(block, dict) else None
            if not isinstance(kind, str):
                out.append("[unknown]")
            elif kind == "text":
                text = block.get("text")
                out.append(text if isinstance(text, str) else "")
            else:
                out.append("[" + kind + "]")
        return out
    return []


def enclosed(text, open_tag, close_tag):
    start = text.find(open_tag)
    if start < 0:
        return None
    end = text.find(close_tag, start + len(open_tag))
    if end < 0:
        return None
    return text[start + len(open_tag):end]


def classify(pieces):
    if not pieces:
        return ("dropped", None)
    if pieces[0].startswith("[Request interrupted by user"):
        return ("interrupt", None)
    for piece in pieces:
        name = enclosed(piece, "<command-name>", "</command-name>")
        if name is not None:
            args = (enclosed(piece, "<command-args>", "</command-args>") or "").strip(WS)
            return ("prompt", name + " " + args if args else name)
    if pieces[0].lstrip(WS).startswith(CLOSING):
        return ("close", None)
    kept = [p for p in pieces if p.strip(WS) and not p.lstrip(WS).startswith(IGNORED)]
    return ("prompt", "\n\n".join(kept)) if kept else ("dropped", None)


def result_text(block, line, block_index):
    if "content" not in block or block["content"] is None:
        return ""
    content = block["content"]
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for item in content:
            kind = item.get("type") if isinstance(item, dict) else None
            if not isinstance(kind, str):
                parts.append("[unknown]")
            elif kind == "text":
                text = item.get("text")
                parts.append(text if isinstance(text, str) else "")
            else:
                parts.append("[" + kind + "]")
        return "\n".join(parts)
    raw = raw_parse(line)["message"]["content"][block_index]["content"]
    return canon(raw)


class Turn:
    __slots__ = ("prompt", "record", "line", "messages", "calls", "by_id", "interrupted", "last_line", "last_ts")

    def __init__(self, prompt, record, line):
        self.prompt = prompt
        self.record = record
        self.line = line
        self.messages = []   # ["a", texts, call indices, model] or ["t", call index, text, is_error]
        self.calls = []      # [id, name, line, block index, has input, has result]
        self.by_id = {}
        self.interrupted = False
        self.last_line = line
        self.last_ts = record.get("timestamp")


def process(task):
    root_index, path, relative, settle, tools, now = task
    with open(path, "rb") as f:
        data = f.read()
    end = data.rfind(b"\n") + 1
    counters = {"lines": 0, "malformed": 0, "complete": 0, "incomplete": 0}
    examples = []
    streams = {}          # stream id -> [is_sidechain, open turn]
    stream_of = {}
    main = None

    def close(stream_id):
        turn = streams[stream_id][1]
        streams[stream_id][1] = None
        if turn is None:
            return
        kept = [m for m in turn.messages if m[0] == "t" or m[1] or m[2]]
        last = kept[-1] if kept else None
        if turn.interrupted or any(not c[5] for c in turn.calls) or last is None or last[0] != "a" or not last[1] or last[2]:
            counters["incomplete"] += 1
            return
        counters["complete"] += 1
        if not any(tools == "all" or c[1].startswith("mcp__") for c in turn.calls):
            return
        examples.append(build(turn, kept, relative, streams[stream_id][0]))

    lines = data[:end].split(b"\n")
    lines.pop()
    for number, line in enumerate(lines, 1):
        counters["lines"] += 1
        if b'"type":"user"' not in line and b'"type":"assistant"' not in line and b'"isSidechain":true' not in line:
            continue
        if line.endswith(b"\r"):
            line = line[:-1]
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip(b" \t\r\n"):
            continue
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            try:
                record = json.loads(line.decode("utf-8", "replace"), parse_constant=reject_constant)
            except ValueError:
                counters["malformed"] += 1
                continue
        if not isinstance(record, dict):
            counters["malformed"] += 1
            continue
        uuid = record.get("uuid")
        if not isinstance(uuid, str):
            continue
        if record.get("isSidechain") is not True:
            if main is None:
                main = len(streams)
                streams[main] = [False, None]
            stream = main
        else:
            parent = record.get("parentUuid")
            stream = stream_of.get(parent) if isinstance(parent, str) else None
            if stream is None:
                stream = len(streams)
                streams[stream] = [True, None]
        stream_of[uuid] = stream
        message = record.get("message")
        kind = record.get("type")
        if not isinstance(message, dict):
            continue
        turn = streams[stream][1]
        if kind == "user":
            content = message.get("content")
            blocks = [(i, b) for i, b in enumerate(content) if isinstance(b, dict) and b.get("type") == "tool_result"] \
                if isinstance(content, list) else []
            if blocks:
                if turn is None:
                    continue
                for index, block in blocks:
                    call_id = block.get("tool_use_id")
                    target = next((i for i, c in enumerate(turn.calls) if not c[5] and isinstance(call_id, str) and c[0] == call_id), None)
                    if target is None:
                        continue
                    turn.calls[target][5] = True
                    turn.messages.append(["t", target, result_text(block, line, index), block.get("is_error") is True])
                turn.last_line = number
                turn.last_ts = record.get("timestamp")
                continue
            if record.get("isMeta") is True or record.get("isCompactSummary") is True or record.get("isVisibleInTranscriptOnly") is True:
                continue
            meaning, text = classify(pieces_of(content))
            if meaning == "interrupt":
                if turn is not None:
                    turn.interrupted = True
            elif meaning == "close":
                close(stream)
            elif meaning == "prompt":
                close(stream)
                streams[stream][1] = Turn(text, record, number)
        elif kind == "assistant":
            if message.get("model") == "<synthetic>" or record.get("isApiErrorMessage") is True:
                continue
            if turn is None:
                continue
            message_id = message.get("id")
            at = turn.by_id.get(message_id) if isinstance(message_id, str) else None
            if at is None:
                at = len(turn.messages)
                turn.messages.append(["a", [], [], message.get("model")])
                if isinstance(message_id, str):
                    turn.by_id[message_id] = at
            entry = turn.messages[at]
            content = message.get("content")
            if isinstance(content, str):
                if content.strip(WS):
                    entry[1].append(content)
            elif isinstance(content, list):
                for index, block in enumerate(content):
                    if not isinstance(block, dict):
                        continue
                    block_type = block.get("type")
                    if block_type == "text":
                        text = block.get("text")
                        if isinstance(text, str) and text.strip(WS):
                            entry[1].append(text)
                    elif block_type == "tool_use":
                        name = block.get("name")
                        call_id = block.get("id")
                        entry[2].append(len(turn.calls))
                        turn.calls.append([call_id if isinstance(call_id, str) else None,
                                           name if isinstance(name, str) else "", line, index, "input" in block, False])
            turn.last_line = number
            turn.last_ts = record.get("timestamp")
    settled = settle <= 0 or now - os.stat(path).st_mtime >= settle
    for stream_id in list(streams):
        if streams[stream_id][1] is not None:
            if settled:
                close(stream_id)
            else:
                streams[stream_id][1] = None
    examples.sort(key=lambda e: e[0])
    return relative, counters, [e[1:] for e in examples]


def build(turn, kept, relative, sidechain):
    position = {}
    for message in kept:
        if message[0] == "a":
            for call in message[2]:
                position[call] = len(position)
    canonical = ['["u",' + json.dumps(turn.prompt, ensure_ascii=False) + "]"]
    out_messages = [{"role": "user", "content": turn.prompt}]
    tools_seen = []
    for message in kept:
        if message[0] == "a":
            text = "\n\n".join(message[1]) if message[1] else None
            calls = []
            parts = []
            for index in message[2]:
                call = turn.calls[index]
                if call[4]:
                    raw = raw_parse(call[2])["message"]["content"][call[3]]["input"]
                    arguments = canon(raw)
                else:
                    arguments = "{}"
                calls.append({"id": call[0] or "", "type": "function", "function": {"name": call[1], "arguments": arguments}})
                parts.append("[" + json.dumps(call[1], ensure_ascii=False) + "," + arguments + "]")
                if call[1] not in tools_seen:
                    tools_seen.append(call[1])
            canonical.append('["a",' + (json.dumps(text, ensure_ascii=False) if text is not None else "null") + ",[" + ",".join(parts) + "]]")
            entry = {"role": "assistant", "content": text}
            if calls:
                entry["tool_calls"] = calls
            out_messages.append(entry)
        else:
            call = turn.calls[message[1]]
            canonical.append('["t",%d,%s,%s]' % (position[message[1]], json.dumps(message[2], ensure_ascii=False),
                                                  "true" if message[3] else "false"))
            out_messages.append({"role": "tool", "tool_call_id": call[0] or "", "content": message[2]})
    key = xxhash.xxh3_128_hexdigest(("[" + ",".join(canonical) + "]").encode("utf-8"))
    example = {"id": key, "messages": out_messages,
               "metadata": {"source": "claude-code", "file": relative, "line_start": turn.line,
                            "line_end": turn.last_line, "tools": tools_seen}}
    return (turn.line, key, orjson.dumps(example) + b"\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("ids")
    parser.add_argument("roots", nargs="+")
    parser.add_argument("--tools", choices=["mcp", "all"], default="mcp")
    parser.add_argument("--settle", type=float, default=60)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    started = time.time()
    now = time.time()
    files = discover(args.roots)
    tasks = [(i, path, rel, args.settle, args.tools, now) for i, path, rel in files]
    seen = set()
    written = 0
    totals = {"lines": 0, "malformed": 0, "complete": 0, "incomplete": 0}
    with open(args.out, "wb") as out, open(args.ids, "w") as ids, multiprocessing.Pool(args.jobs) as pool:
        for relative, counters, examples in pool.imap(process, tasks, chunksize=1):
            for k in totals:
                totals[k] += counters[k]
            for key, line in examples:
                if key in seen:
                    continue
                seen.add(key)
                out.write(line)
                ids.write(key + "\n")
                written += 1
    seconds = time.time() - started
    print(json.dumps({"files": len(files), "examples": written, "seconds": seconds, **totals}))


if __name__ == "__main__":
    main()
