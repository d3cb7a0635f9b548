#!/usr/bin/env bash
# make test-interop: Verity against a server it did not write. Verity saves a checkpoint it trained
# (Tests/NotebookTests/Fixtures/roundtrip_model) as GGUF, llama.cpp's server (llama-cpp-python)
# serves that file, and a Verity script connects to it, evaluates greedily and sweeps pass@k/maj@k,
# then does the same on the local model and checks the claims with `expect`:
#   - greedy: the same accuracy, problem for problem, and the same token counts except the end token:
#     Verity counts the <eos> it generated, llama.cpp's server does not report it (1 token per sample);
#   - sampled (temperature 1, 8 samples × 50 problems): accuracy, pass@2 and maj@8 within 0.1 (the two
#     samplers draw different random streams, so only the distributions can agree).
# The server runs with a float32 KV cache (--type_k 0 --type_v 0): llama.cpp's default float16
# cache moves log-probabilities by ~3e-3, enough to flip near-tied greedy choices.
#
# Python: $VERITY_PYTHON when it can import llama_cpp.server, else a virtual environment kept in
# .build/interop-venv (the first run builds llama.cpp from source: ~5 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
VERITY=.build/release/verity
LLAMA_CPP_PYTHON_VERSION=0.3.36

python=""
if [ -n "${VERITY_PYTHON:-}" ] && "$VERITY_PYTHON" -c 'import llama_cpp.server' 2>/dev/null; then
  python="$VERITY_PYTHON"
else
  venv=.build/interop-venv
  if ! "$venv/bin/python" -c 'import llama_cpp.server' 2>/dev/null; then
    echo "interop: building llama-cpp-python $LLAMA_CPP_PYTHON_VERSION into $venv (needs python3-venv and g++; ~5 min)" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION"
  fi
  python="$venv/bin/python"
fi

scratch=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$scratch"; }
trap cleanup EXIT
cp -r Tests/NotebookTests/Fixtures/roundtrip_model "$scratch/"

start=$(date +%s)
printf 'model load roundtrip_model\nmodel save roundtrip.gguf format=gguf\n' > "$scratch/save.verity"
(cd "$scratch" && "$OLDPWD/$VERITY" run save.verity >/dev/null)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$python" -m llama_cpp.server --model "$scratch/roundtrip.gguf" --host 127.0.0.1 --port "$port" \
  --n_ctx 64 --type_k 0 --type_v 0 --n_threads 2 --seed 1 >"$scratch/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/v1/models', timeout=1)" 2>/dev/null; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then echo "interop: the server exited:" >&2; cat "$scratch/server.log" >&2; exit 1; fi
  sleep 0.5
done

cat > "$scratch/interop.verity" <<EOF
seed 1
task arithmetic op=add digits=2 train=3000 test=200 think=mixed
model connect http://127.0.0.1:$port/v1 model=roundtrip batch=1 n=false timeout=120
eval problems=100 max_tokens=40 as=remote
eval problems=50 n=8 temperature=1 max_tokens=40 as=remote_sampled
scale run=remote_sampled ks=1,2,4,8 methods=pass,maj tsv=remote.tsv
model load roundtrip_model
eval problems=100 max_tokens=40 as=local
eval problems=50 n=8 temperature=1 max_tokens=40 as=local_sampled
scale run=local_sampled ks=1,2,4,8 methods=pass,maj tsv=local.tsv
compare remote local
expect accuracy(remote) = accuracy(local)
expect tokens(local) - tokens(remote) within 0.0001 of 1
expect gain_low(remote, local) = 0
expect gain_high(remote, local) = 0
expect accuracy(remote) > 0.5
expect accuracy(remote_sampled) within 0.1 of accuracy(local_sampled)
expect pass@2(remote_sampled) within 0.1 of pass@2(local_sampled)
expect maj@8(remote_sampled) within 0.1 of maj@8(local_sampled)
EOF
(cd "$scratch" && "$OLDPWD/$VERITY" run interop.verity)
echo "interop: llama.cpp server on Verity's GGUF matched the local model in $(( $(date +%s) - start )) s"
