#!/usr/bin/env python3
"""Prints the module dependency table of docs/architecture.md from Package.swift,
and checks that no module imports one it does not declare or one later in the
pipeline, and that test targets import only what they declare."""
import glob, re, sys

package = open("Package.swift").read()
order, declared = [], {}
for m in re.finditer(r'\.(?:target|executableTarget)\(\s*name: "(\w+)",\s*dependencies: \[(.*?)\]', package, re.S):
    name, deps = m.group(1), m.group(2)
    if name == "TestSupport":
        continue
    order.append(name)
    names = re.findall(r'"(\w+)"', deps)
    names += [label for token, label in (("swiftSystem", "swift-system"), ("crypto", "swift-crypto"),
                                         ("argumentParser", "swift-argument-parser")) if token in deps]
    declared[name] = names
print("| module | depends on |\n|---|---|")
for name in order:
    print(f"| `{name}` | {', '.join(declared[name])} |")

problems = []
for name in order:
    folder = glob.glob(f"Sources/*-{name}") or glob.glob(f"Sources/{name}")
    imported = set()
    for path in glob.glob(folder[0] + "/**/*.swift", recursive=True):
        imported |= set(re.findall(r"^(?:@testable )?import (\w+)$", open(path).read(), re.M))
    products = {"Crypto": "swift-crypto", "SystemPackage": "swift-system", "ArgumentParser": "swift-argument-parser"}
    toolchain = {"Foundation", "Dispatch", "Synchronization", "Glibc", "Musl", "Testing"}
    for module in sorted(imported - toolchain):
        if products.get(module, module) not in declared[name]:
            problems.append(f"{name} imports {module} without declaring it")
        elif module in order and order.index(module) > order.index(name):
            problems.append(f"{name} imports {module}, which comes later in the pipeline")
# Test targets: every import declared (any module may be tested from any target).
for m in re.finditer(r'\.(?:testTarget|target)\(\s*name: "(\w+)",\s*dependencies: \[(.*?)\]', package, re.S):
    name, deps = m.group(1), m.group(2)
    if not glob.glob(f"Tests/{name}"):
        continue
    names = set(re.findall(r'"(\w+)"', deps)) | ({"Crypto"} if "crypto" in deps else set())
    imported = set()
    for path in glob.glob(f"Tests/{name}/*.swift"):
        imported |= set(re.findall(r"^(?:@testable )?import (\w+)$", open(path).read(), re.M))
    for module in sorted(imported - names - {"Foundation", "Dispatch", "Synchronization", "Glibc", "Testing"}):
        problems.append(f"{name} imports {module} without declaring it")
for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
