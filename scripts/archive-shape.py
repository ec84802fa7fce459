#!/usr/bin/env python3
"""Prints an archive's shape, the columns issue 16 compares real and
synthetic archives by: files per GB, median / p90 file, files of 50 MB or
more per GB, and zstd -3 ratios of whole files and of the examples thresh
extracts (OUT: a `thresh scan --compression none` of it).
usage: archive-shape.py ARCHIVE [OUT]"""
import os, subprocess, sys

def zstd_ratio(paths):
    raw = sum(os.path.getsize(p) for p in paths)
    if raw == 0:
        return 0.0
    cat = subprocess.Popen(["cat", *paths], stdout=subprocess.PIPE)
    out = subprocess.run(["zstd", "-3", "-c", "-q"], stdin=cat.stdout, capture_output=True, check=True).stdout
    cat.wait()
    return raw / len(out)

archive = sys.argv[1]
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(archive) for f in fs if f.endswith(".jsonl"))
sizes = sorted(os.path.getsize(p) for p in files)
total = sum(sizes)
gb = total / 1e9
print(f"files {len(files)}  bytes {total/1e6:.0f} MB  files/GB {len(files)/gb:.0f}")
print(f"median {sizes[len(sizes)//2]/1e3:.0f} KB  p90 {sizes[int(len(sizes)*0.9)]/1e6:.2f} MB  "
      f">=50MB per GB {sum(s >= 50e6 for s in sizes)/gb:.1f}")
sample = files[:: max(1, len(files) // 400)]
print(f"whole files zstd -3 ratio {zstd_ratio(sample):.1f}x (sample of {len(sample)})")
if len(sys.argv) > 2:
    shards = [os.path.join(sys.argv[2], "shards", f) for f in sorted(os.listdir(os.path.join(sys.argv[2], "shards")))]
    print(f"examples zstd -3 ratio {zstd_ratio(shards):.1f}x")
