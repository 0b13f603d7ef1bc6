#!/usr/bin/env bash
# Starts the portal on its embedded defaults: kube-sim (the GPU cluster), llm-sim (the model
# servers), Prometheus on :9090 when installed, the backend on :7007 and the app on :3000. Ctrl-C
# stops everything.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

mkdir -p .data
pids=()
stop_all() { [ ${#pids[@]} -eq 0 ] || kill "${pids[@]}" 2>/dev/null || true; }
trap stop_all EXIT
trap 'exit 130' INT TERM

# Prometheus (Debian's single binary) scrapes kube-sim's GPU metrics, llm-sim and the gateway
# (scripts/prometheus/dev.yml); the insights pages read GPU activity from it. Optional: without it
# they show GPU allocation only. As root with apt, it is installed once, as .ci/run does.
PROMETHEUS=/usr/bin/prometheus
if [ ! -x "$PROMETHEUS" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing Debian's prometheus once, for the GPU activity pages"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends prometheus; } >/dev/null 2>&1 || true
fi
ports=(3000 7007 7070 7081 7082 7083 7084)
if [ -x "$PROMETHEUS" ]; then
  ports+=(9090)
else
  log "no Prometheus ($PROMETHEUS): the GPU activity pages will show allocation only." \
    "Install it with 'sudo apt-get install prometheus' (Debian/Ubuntu) and start again."
fi

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in "${ports[@]}"; do
  if port_busy "$port"; then
    log "port $port is already in use: is the portal running already? Stop it first."; exit 1
  fi
done

# The platform's Gatekeeper template and constraint, then a demo environment with policy
# evidence (a Gatekeeper violation, a failing Kyverno report) for the compliance scorecards.
node packages/kube-sim/bin/kube-sim --port 7070 --token kube-sim-dev-token \
  --fleet packages/kube-sim/fleets/default.yaml --state .data/kube-sim.json \
  --manifest deploy/platform/required-labels.yaml \
  --manifest packages/kube-sim/manifests/dev-policy-evidence.yaml &
pids+=($!)
node packages/llm-sim/bin/llm-sim --config packages/llm-sim/config/dev.yaml &
pids+=($!)
if [ -x "$PROMETHEUS" ]; then
  mkdir -p .data/prometheus
  "$PROMETHEUS" --config.file=scripts/prometheus/dev.yml --storage.tsdb.path=.data/prometheus \
    --web.listen-address=127.0.0.1:9090 --storage.tsdb.retention.time=2d --log.level=warn &
  pids+=($!)
fi

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
