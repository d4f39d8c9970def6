#!/usr/bin/python3
"""h5py side of sprig's HDF5 interop tests (run by tests/io/hdf5_interop_test.cpp).

  h5py_interop.py write DIR
      Writes, with h5py only, the files sprig must read:
        DIR/cells.h5ad          AnnData-style: obsp/connectivities (csr_matrix encoding),
                                obsm/X_pca, obs/_index
        DIR/scipy.h5            groups as h5py users write scipy matrices: /adj (shape
                                attribute, int64 indptr/indices, float64 data) and
                                /adj_unsorted (shape dataset, unsorted rows, directed)
        DIR/sprig_by_h5py.h5    the sprig-graph layout (numpy bool attributes and masks,
                                fixed-length names, gzip+shuffle chunks, embeddings)
      and DIR/expected.json: every array sprig must find, as sprig should return it.

  h5py_interop.py check FILE EXPECTED.json
      Opens a file sprig wrote and compares every dataset and attribute listed in
      EXPECTED.json (written by the C++ test from its in-memory arrays) with what
      h5py reads, then builds the scipy CSR matrix from the AnnData group and
      checks it against /graph. Exit status 0 when everything matches.
"""
import json
import sys

import h5py
import numpy as np


def csr_from_dense(a):
    indptr = [0]
    indices, data = [], []
    for row in a:
        nz = np.nonzero(row)[0]
        indices.extend(nz.tolist())
        data.extend(row[nz].tolist())
        indptr.append(len(indices))
    return np.array(indptr), np.array(indices), np.array(data)


def write(d):
    rng = np.random.default_rng(12345)
    exp = {}

    # --- AnnData-style .h5ad: a symmetric kNN-like connectivity graph
    n = 60
    a = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in rng.choice(n, 4, replace=False):
            if i != j:
                w = np.float32(rng.integers(1, 1000) / 1024.0)
                a[i, j] = a[j, i] = w
    indptr, indices, data = csr_from_dense(a)
    x_pca = rng.standard_normal((n, 4)).astype(np.float32)
    names = [f"cell-{i:03d}" for i in range(n)]
    with h5py.File(f"{d}/cells.h5ad", "w") as f:
        f.attrs["encoding-type"] = "anndata"
        f.attrs["encoding-version"] = "0.1.0"
        g = f.create_group("obsp/connectivities")
        g.attrs["encoding-type"] = "csr_matrix"
        g.attrs["encoding-version"] = "0.1.0"
        g.attrs["shape"] = np.array([n, n], dtype=np.int64)
        g.create_dataset("indptr", data=indptr.astype(np.int32))
        g.create_dataset("indices", data=indices.astype(np.int32))
        g.create_dataset("data", data=data.astype(np.float32))
        f.create_dataset("obsm/X_pca", data=x_pca)
        obs = f.create_group("obs")
        obs.attrs["_index"] = "_index"
        obs.attrs["encoding-type"] = "dataframe"
        obs.create_dataset("_index", data=np.array(names, dtype=object), dtype=h5py.string_dtype())
    exp["cells"] = {
        "n": n, "directed": False,
        "offsets": indptr.tolist(), "targets": indices.tolist(),
        "weights": [float(v) for v in data.astype(np.float32)],
        "features_shape": list(x_pca.shape), "features": [float(v) for v in x_pca.ravel()],
        "names": names,
    }

    # --- scipy-style groups
    m = 40
    b = np.zeros((m, m))
    for _ in range(150):
        i, j = rng.integers(0, m, 2)
        b[i, j] = rng.integers(1, 64) / 8.0  # directed, exactly representable in float32
    bp, bi, bd = csr_from_dense(b)
    # scramble each row's order for the unsorted group
    ui, ud = bi.copy(), bd.copy()
    for r in range(m):
        s, e = bp[r], bp[r + 1]
        perm = rng.permutation(e - s)
        ui[s:e] = bi[s:e][perm]
        ud[s:e] = bd[s:e][perm]
    with h5py.File(f"{d}/scipy.h5", "w") as f:
        g = f.create_group("adj")
        g.create_dataset("indptr", data=bp.astype(np.int64))
        g.create_dataset("indices", data=bi.astype(np.int64))
        g.create_dataset("data", data=bd.astype(np.float64))
        g.attrs["shape"] = (m, m)
        g = f.create_group("adj_unsorted")
        g.create_dataset("indptr", data=bp.astype(np.int64))
        g.create_dataset("indices", data=ui.astype(np.int64))
        g.create_dataset("data", data=ud.astype(np.float64))
        g.create_dataset("shape", data=np.array([m, m]))
    exp["scipy"] = {
        "n": m, "directed": True,
        "offsets": bp.tolist(), "targets": bi.tolist(), "weights": [float(v) for v in bd],
        "unsorted_rows": int(sum(1 for r in range(m) if list(ui[bp[r]:bp[r + 1]]) != sorted(ui[bp[r]:bp[r + 1]]))),
    }

    # --- the sprig-graph layout, written by h5py
    k = 500
    edges = set()
    while len(edges) < 2000:
        u, v = (int(z) for z in rng.integers(0, k, 2))
        if u != v:
            edges.add((min(u, v), max(u, v)))
    rows = [[] for _ in range(k)]
    for u, v in edges:
        rows[u].append(v)
        rows[v].append(u)
    offsets = np.zeros(k + 1, dtype=np.int64)
    for u in range(k):
        rows[u].sort()
        offsets[u + 1] = offsets[u] + len(rows[u])
    targets = np.array([v for r in rows for v in r], dtype=np.int32)
    weights = (rng.integers(1, 4096, len(targets)) / 64.0).astype(np.float32)
    # symmetric weights: the weight of u->v is that of v->u
    wmap = {}
    for u in range(k):
        for idx in range(offsets[u], offsets[u + 1]):
            v = int(targets[idx])
            key = (min(u, v), max(u, v))
            wmap.setdefault(key, weights[idx])
            weights[idx] = wmap[key]
    feats = rng.standard_normal((k, 7)).astype(np.float32)
    labels = rng.integers(-1, 3, k).astype(np.int32)
    classes = ["red", "green", "blue"]
    pnames = np.array([f"v{i}".encode() for i in range(k)], dtype="S10")
    train = rng.random(k) < 0.6
    valid = (~train) & (rng.random(k) < 0.5)
    test = ~(train | valid)
    pos = rng.integers(0, k, (25, 2)).astype(np.int32)
    neg = rng.integers(0, k, (25, 2)).astype(np.int32)
    emb = rng.standard_normal((k, 3)).astype(np.float32)
    with h5py.File(f"{d}/sprig_by_h5py.h5", "w") as f:
        f.attrs["format"] = "sprig-graph"
        f.attrs["format_version"] = 1
        f.attrs["name"] = "written by h5py"
        f.attrs["directed"] = np.bool_(False)
        f.attrs["num_nodes"] = k
        f.attrs["num_edges"] = len(edges)
        f.attrs["created_by"] = "h5py " + h5py.__version__
        kw = dict(compression="gzip", compression_opts=5, shuffle=True, chunks=(256,))
        f.create_dataset("graph/offsets", data=offsets, **kw)
        f.create_dataset("graph/targets", data=targets, **kw)
        f.create_dataset("graph/weights", data=weights, **kw)
        f.create_dataset("nodes/features", data=feats, compression="gzip", shuffle=True, chunks=(64, 7))
        lab = f.create_dataset("nodes/labels", data=labels)
        lab.attrs["classes"] = classes
        f.create_dataset("nodes/names", data=pnames)
        f.create_dataset("nodes/split/train", data=train)
        f.create_dataset("nodes/split/valid", data=valid)
        f.create_dataset("nodes/split/test", data=np.nonzero(test)[0].astype(np.int64))
        sl = f.create_group("splits/links")
        sl.attrs["seed"] = 99
        sl.attrs["method"] = "random"
        f.create_dataset("splits/links/test/pos", data=pos)
        f.create_dataset("splits/links/test/neg", data=neg)
        e = f.create_dataset("embeddings/spectral", data=emb)
        e.attrs["dim"] = 3
        e.attrs["normalized"] = "yes"
    exp["sprig"] = {
        "n": k, "directed": False, "name": "written by h5py",
        "offsets": offsets.tolist(), "targets": targets.tolist(), "weights": [float(v) for v in weights],
        "features_shape": list(feats.shape), "features": [float(v) for v in feats.ravel()],
        "labels": labels.tolist(), "classes": classes,
        "names": [s.decode() for s in pnames],
        "train": np.nonzero(train)[0].tolist(), "valid": np.nonzero(valid)[0].tolist(),
        "test": np.nonzero(test)[0].tolist(),
        "link_seed": 99, "link_method": "random",
        "test_pos": pos.ravel().tolist(), "test_neg": neg.ravel().tolist(),
        "embedding": [float(v) for v in emb.ravel()], "embedding_shape": list(emb.shape),
    }
    with open(f"{d}/expected.json", "w") as out:
        json.dump(exp, out)


def check(path, expected_path):
    with open(expected_path) as fh:
        exp = json.load(fh)
    bad = []
    with h5py.File(path, "r") as f:
        for name, want in exp["attrs"].items():
            got = f.attrs[name]
            if isinstance(got, bytes):
                got = got.decode()
            if isinstance(got, np.generic):
                got = got.item()
            if got != want:
                bad.append(f"attribute {name}: h5py reads {got!r}, sprig wrote {want!r}")
        for name, spec in exp["datasets"].items():
            if name not in f:
                bad.append(f"{name}: missing")
                continue
            ds = f[name]
            if spec["dtype"] == "str":
                got = [s.decode() if isinstance(s, bytes) else s for s in ds[()]]
                if got != spec["data"]:
                    bad.append(f"{name}: strings differ")
                continue
            if str(ds.dtype) != spec["dtype"]:
                bad.append(f"{name}: dtype {ds.dtype}, expected {spec['dtype']}")
            if list(ds.shape) != spec["shape"]:
                bad.append(f"{name}: shape {ds.shape}, expected {spec['shape']}")
                continue
            want = np.array(spec["data"], dtype=ds.dtype).reshape(spec["shape"])
            if not np.array_equal(ds[()], want):
                bad.append(f"{name}: values differ")
            for an, av in spec.get("attrs", {}).items():
                got = ds.attrs[an]
                got = got.tolist() if isinstance(got, np.ndarray) else got
                if isinstance(got, list):
                    got = [g.decode() if isinstance(g, bytes) else g for g in got]
                if isinstance(got, bytes):
                    got = got.decode()
                got = got.item() if isinstance(got, np.generic) else got
                if got != av:
                    bad.append(f"{name} attribute {an}: h5py reads {got!r}, sprig wrote {av!r}")
        if "anndata_group" in exp:
            import scipy.sparse as sp
            g = f[exp["anndata_group"]]
            enc = g.attrs["encoding-type"]
            if (enc.decode() if isinstance(enc, bytes) else enc) != "csr_matrix":
                bad.append("anndata group: encoding-type is not csr_matrix")
            shape = tuple(int(v) for v in g.attrs["shape"])
            a = sp.csr_matrix((g["data"][()], g["indices"][()], g["indptr"][()]), shape=shape)
            n = exp["attrs"]["num_nodes"]
            if shape != (n, n):
                bad.append(f"anndata group: shape {shape}")
            if not (np.array_equal(a.indptr, f["graph/offsets"][()]) and np.array_equal(a.indices, f["graph/targets"][()])):
                bad.append("anndata group: CSR differs from /graph")
            if not a.has_sorted_indices:
                bad.append("anndata group: indices not sorted")
    for b in bad:
        print("MISMATCH", b)
    print(f"checked {len(exp['datasets'])} datasets, {len(exp['attrs'])} attributes: {len(bad)} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        write(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
