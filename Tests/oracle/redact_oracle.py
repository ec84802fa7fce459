#!/usr/bin/env python3
"""SPEC §9 redaction, written from the SPEC's normative Python patterns:
the test oracle for thresh's byte-level matcher.

Reads JSON lines {"text": str, "rules": [names] | null} on stdin and writes
JSON lines {"text": redacted, "counts": {rule: n}} on stdout.
"""
import json
import re
import sys

PATTERNS = [
    ("private-key", r"-----BEGIN[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----(?:.*?-----END[A-Z0-9 ]{0,30}PRIVATE KEY(?: BLOCK)?-----|.*\Z)", re.DOTALL),
    ("aws-access-key-id", r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])", 0),
    ("github-token", r"(?<![A-Za-z0-9_])(?:(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})(?![A-Za-z0-9_])", 0),
    ("gitlab-token", r"(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_-]{20,255}(?![A-Za-z0-9_-])", 0),
    ("slack-token", r"(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,255}(?![A-Za-z0-9_-])", 0),
    ("anthropic-key", r"(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,255}(?![A-Za-z0-9_-])", 0),
    ("openai-key", r"(?<![A-Za-z0-9_-])sk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z_-]*[0-9])[A-Za-z0-9_-]{20,255}(?![A-Za-z0-9_-])", 0),
    ("google-api-key", r"(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])", 0),
    ("stripe-key", r"(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,255}(?![A-Za-z0-9_])", 0),
    ("jwt", r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}(?![A-Za-z0-9_-])", 0),
    ("bearer-token", r"(?<![A-Za-z0-9_])(?i:bearer)[ \t]+(?P<s>(?=[A-Za-z._~+/-]*[0-9])[A-Za-z0-9._~+/-]{16,}=*)", 0),
    ("url-password", r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}://[A-Za-z0-9._~%+-]{1,128}:(?P<s>[A-Za-z0-9._~%!$&*+,;=-]{1,128})@", 0),
    ("secret-assignment", r"(?<![A-Za-z0-9_.-])[A-Za-z0-9_.-]*?(?i:password|passwd|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret)[\"']?[ \t]*(?::=|=>|=|:)[ \t]*[\"']?(?P<s>(?=[0-9+/=_.~!@#$%^&*-]*[A-Za-z])(?=[A-Za-z+/=_.~!@#$%^&*-]*[0-9])[A-Za-z0-9+/=_.~!@#$%^&*-]{8,200})(?![A-Za-z0-9+/=_.~!@#$%^&*(-])", 0),
]
COMPILED = [(name, re.compile(pattern, re.ASCII | flags)) for name, pattern, flags in PATTERNS]
NAMES = [name for name, _, _ in PATTERNS] + ["email"]
BY_NAME = dict(COMPILED)

LOCAL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")
DOMAIN = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-")
LETTERS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
DOCS = ("example.com", "example.org", "example.net")


def email_at(text, pos):
    """SPEC §9's e-mail procedure: (end, (start, end)) or None."""
    if pos > 0 and text[pos - 1] in LOCAL:
        return None
    at = pos
    while at < len(text) and text[at] in LOCAL:
        at += 1
    if not 1 <= at - pos <= 64 or at >= len(text) or text[at] != "@":
        return None
    end = at + 1
    while end < len(text) and text[end] in DOMAIN:
        end += 1
    domain = text[at + 1:end].rstrip(".-")
    end = at + 1 + len(domain)
    if "." not in domain or ".." in domain or domain.startswith("."):
        return None
    last = domain.rsplit(".", 1)[1]
    if not (2 <= len(last) <= 24 and all(c in LETTERS for c in last)):
        return None
    local = text[pos:at]
    if local in ("git", "noreply", "no-reply"):
        return None
    if domain in DOCS or any(domain.endswith("." + d) for d in DOCS):
        return None
    return end, (pos, end)


def redact(text, enabled):
    counts = {}
    out = []
    copied = 0
    i = 0
    while i < len(text):
        for name in NAMES:
            if name not in enabled:
                continue
            if name == "email":
                found = email_at(text, i)
            else:
                m = BY_NAME[name].match(text, i)
                found = None
                if m:
                    found = (m.end(), m.span("s") if "s" in m.re.groupindex else m.span())
            if found:
                end, (s0, s1) = found
                out.append(text[copied:s0])
                out.append("[REDACTED:%s]" % name)
                copied = s1
                counts[name] = counts.get(name, 0) + 1
                i = end
                break
        else:
            i += 1
    out.append(text[copied:])
    return "".join(out), counts


def main():
    for line in sys.stdin:
        item = json.loads(line)
        enabled = set(item.get("rules") or NAMES)
        text, counts = redact(item["text"], enabled)
        sys.stdout.write(json.dumps({"text": text, "counts": counts}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
