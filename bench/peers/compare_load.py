#!/usr/bin/python3
"""Side by side: `sprig-bench load` against h5py + scipy on the same HDF5 file,
and both against `cat FILE > /dev/null` (warm cache). For each GRAPH and each
deflate level it writes GRAPH as a sprig-graph file once (sprig-bench --out),
then times sprig's read_hdf5, the h5py+scipy peer and the sequential reads.
Prints a Markdown table (the rows of bench/RESULTS.md) and, with --json, the
raw reports.

Usage: /usr/bin/python3 compare_load.py --bench build/x/bench/sprig-bench
           [--graph SPEC ...] [--levels 0,4] [--trials 5] [--threads N] [--dir /tmp]
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, help="path of sprig-bench")
    ap.add_argument("--graph", action="append", help="graph specs (default: email-Enron and rmat:22:16)")
    ap.add_argument("--levels", default="0,4")
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--dir", default=os.environ.get("TMPDIR", "/tmp"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    graphs = args.graph or [os.path.join(HERE, "../../../shared/data/email-Enron.edges.gz"), "rmat:22:16"]
    rows, raw = [], []
    for spec in graphs:
        name = os.path.basename(spec).split(".")[0].replace(":", "_")
        for level in (int(x) for x in args.levels.split(",")):
            h5 = os.path.join(args.dir, f"sprig-load-{name}-l{level}.h5")
            cmd = [args.bench, "load", "--graph", spec, "--level", str(level), "--out", h5, "--trials",
                   str(args.trials), "--json", "--verify", "--threads", str(args.threads)]
            ours = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
            peer = json.loads(subprocess.run(["/usr/bin/python3", os.path.join(HERE, "h5py_load.py"), h5,
                                              "--trials", str(args.trials)],
                                             check=True, capture_output=True, text=True).stdout)
            os.remove(h5)
            s, p = ours["read_hdf5"]["median_s"], peer["median_s"]
            seq, cat = ours["seq_read"]["median_s"], peer["cat_median_s"]
            arr = ours["arrays"]["median_s"]
            rows.append(f"| {name} | {ours['nodes']:,} | {ours['arcs']:,} | {level} | {ours['file_bytes'] / 2**20:.1f} MiB "
                        f"| {s * 1e3:.1f} ms | {p * 1e3:.1f} ms | {p / s:.2f}× | {seq * 1e3:.1f} ms | {cat * 1e3:.1f} ms "
                        f"| {arr * 1e3:.1f} ms | {arr / seq:.2f}× | {arr / cat:.2f}× |")
            raw.append({"sprig": ours, "h5py_scipy": peer})
            print(rows[-1], file=sys.stderr, flush=True)
    print("| graph | nodes | arcs | deflate | file | sprig read_hdf5 | h5py+scipy | speed-up "
          "| seq. read (in-process) | `cat > /dev/null` | arrays only | arrays / seq. read | arrays / cat |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(r)
    if args.json:
        json.dump(raw, sys.stdout, indent=1)
        print()


if __name__ == "__main__":
    main()
