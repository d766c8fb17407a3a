#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript, or
# spark.worker.resource.gpu.discoveryScript on a standalone worker): prints this host's NVIDIA GPUs
# as Spark's resource JSON, e.g. {"name":"gpu","addresses":["0","1"]}, from nvidia-smi's indices.
set -euo pipefail
if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery.sh: nvidia-smi not found on $(hostname): this host has no NVIDIA driver (or it is not on PATH)" >&2
  exit 1
fi
if ! indices="$(nvidia-smi --query-gpu=index --format=csv,noheader)"; then
  echo "gpu-discovery.sh: nvidia-smi failed on $(hostname)" >&2
  exit 1
fi
addresses="$(tr -d ' \r' <<<"$indices" | sed '/^$/d; s/.*/"&"/' | paste -sd, -)"
if [[ -z "$addresses" ]]; then
  echo "gpu-discovery.sh: nvidia-smi lists no GPU on $(hostname)" >&2
  exit 1
fi
echo "{\"name\":\"gpu\",\"addresses\":[$addresses]}"
