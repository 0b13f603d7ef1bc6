#!/usr/bin/env bash
# Starts the portal on its embedded defaults: kube-sim (the GPU cluster), llm-sim (the model
# servers), the backend on :7007 and the app on :3000. Ctrl-C stops everything.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

mkdir -p .data
pids=()
stop_all() { [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; }
trap stop_all EXIT
trap 'exit 130' INT TERM

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 3000 7007 7070 7081 7082 7083 7084; do
  if port_busy "$port"; then
    log "port $port is already in use: is the portal running already? Stop it first."; exit 1
  fi
done

node packages/kube-sim/bin/kube-sim --port 7070 --token kube-sim-dev-token \
  --fleet packages/kube-sim/fleets/default.yaml --state .data/kube-sim.json &
pids+=($!)
node packages/llm-sim/bin/llm-sim --config packages/llm-sim/config/dev.yaml &
pids+=($!)

# Say where the portal is once both halves answer.
(
  for _ in $(seq 1 600); do
    if curl -sf -o /dev/null http://localhost:7007/.backstage/health/v1/readiness &&
      curl -sf -o /dev/null http://localhost:3000; then
      log "the portal is up: http://localhost:3000 (sign in as guest)"; exit 0
    fi
    sleep 1
  done
  log "the portal did not come up within 10 minutes; see the output above"
) &
pids+=($!)

yarn start
