#!/usr/bin/env bash
# Single-stream sampling, Verity against llama2.c, on the same shape in the same run.
#
#   bash bench/llama2c.sh PATH/TO/llama2.c [runs]
#
# Builds llama2.c's `make runomp` (gcc -Ofast -fopenmp -march=native) from the checkout you point at
# (a copy of it, in a temporary folder), writes a random checkpoint of llama2.c's stories15M shape
# (vocab 32000, dim 288, 6 layers, 6 heads, ffn 768, untied classifier, seq_len 256) and a
# matching tokenizer, samples 256 tokens at temperature 1 without top-p (`-p 1.0`: llama2.c's default
# top-p 0.9 sorts the ~29k tokens a random model leaves in the nucleus at every step, which would
# time the sort, not the model) with 2 OpenMP threads, and prints its
# tok/s beside `verity bench --config s15m --batches 1` (Verity's B = 1 decoding of the same shape,
# random weights, 2 threads). Each side runs `runs` times (default 3), interleaved; medians.
# Needs gcc, make, python3 with numpy, and a release build of verity (make build).
set -euo pipefail
src=${1:?usage: bash bench/llama2c.sh PATH/TO/llama2.c [runs]}
runs=${2:-3}
top=$(cd "$(dirname "$0")/.." && pwd)
verity="$top/.build/release/verity"
[ -x "$verity" ] || { echo "llama2c.sh: build verity first (make build)" >&2; exit 1; }
[ -f "$src/run.c" ] || { echo "llama2c.sh: $src has no run.c — point at a llama2.c checkout" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/run.c" "$src/Makefile" "$work/"
[ -f "$src/runq.c" ] && cp "$src/runq.c" "$work/"
(cd "$work" && make -s runomp CC=gcc >/dev/null 2>&1) || { echo "llama2c.sh: make runomp failed in $work" >&2; exit 1; }

python3 - "$work" <<'PY'
import struct, sys
import numpy as np
work = sys.argv[1]
dim, hidden, layers, heads, kv, vocab, seq = 288, 768, 6, 6, 6, 32000, 256
rng = np.random.default_rng(7)
def w(*shape): return (rng.standard_normal(shape) * 0.02).astype(np.float32)
with open(f"{work}/model.bin", "wb") as f:
    # llama2.c's legacy header; a negative vocab size marks an untied classifier.
    f.write(struct.pack("7i", dim, hidden, layers, heads, kv, -vocab, seq))
    head = dim // heads
    for t in [w(vocab, dim), np.ones((layers, dim), np.float32), w(layers, dim, dim), w(layers, dim, dim),
              w(layers, dim, dim), w(layers, dim, dim), np.ones((layers, dim), np.float32),
              w(layers, hidden, dim), w(layers, dim, hidden), w(layers, hidden, dim), np.ones(dim, np.float32),
              np.zeros((seq, head // 2), np.float32), np.zeros((seq, head // 2), np.float32), w(vocab, dim)]:
        f.write(t.tobytes())
with open(f"{work}/tok.bin", "wb") as f:
    f.write(struct.pack("i", 8))
    for i in range(vocab):
        piece = f"t{i} ".encode()
        f.write(struct.pack("fi", 0.0, len(piece)) + piece)
PY

llama=() ours=()
for r in $(seq "$runs"); do
  t=$(cd "$work" && OMP_NUM_THREADS=2 ./run model.bin -z tok.bin -n 256 -t 1.0 -p 1.0 -s "$r" 2>&1 >/dev/null | sed -n 's/achieved tok\/s: //p')
  llama+=("${t:-0}")
  v=$(OPENBLAS_NUM_THREADS=2 "$verity" bench --config s15m --steps 0 --batches 1 2>&1 |
      sed -n 's/.*s15m: sampling B=1 \([0-9.]*\) tok\/s.*/\1/p' | head -1)
  ours+=("${v:-0}")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
ml=$(median "${llama[@]}") mv=$(median "${ours[@]}")
echo "single-stream sampling, s15m shape, random weights, 2 threads, $runs runs each (median)"
echo "llama2.c runomp  ${llama[*]}  → $ml tok/s"
echo "verity B=1       ${ours[*]}  → $mv tok/s"
awk -v a="$mv" -v b="$ml" 'BEGIN { if (b > 0) printf "ratio verity/llama2.c  %.2f×\n", a / b }'
