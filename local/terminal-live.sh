#!/bin/bash
# local/terminal-live.sh [--keep] [STACK] — the browser terminal's cnilab against a real local kind
# cluster (README "Browser terminals"). STACK is a tracked kind-cluster stack (default kindnet); the
# lab runs exercise deny-nginx's starting state.
#   1. builds or reuses the local cluster's images and registry (local/build.sh --no-up), derives
#      stacks/Pulumi.local-STACK-deny-nginx.yaml (local/derive-stack.sh with cnilab:exercise) and runs
#      `cnilab up` and the main `cnilab verify` on it;
#   2. writes the terminal image context (terminal/image.ts) into a temp folder and the participant's
#      context file from the stack's `assertions` output, as `workshop up` does, then runs the BUNDLED
#      terminal cnilab (node <context>/cli/cnilab.js) with $KUBECONFIG (the stack's), $CNILAB_TERMINAL_CONTEXT
#      and $CNILAB_STATE (temp): `verify` (its counts compared with the main verify's), `check deny-nginx
#      --live` before any policy (must miss), a policy written from the goal applied with kubectl, then
#      `check deny-nginx --live` again (must be done, exit 0). One summary line per run.
#   3. `cnilab down` and the derived stack file removed, unless --keep.
# The lab's state is the project's own (.cnilab/: CNILAB_STATE and PULUMI_BACKEND_URL are unset), as
# the plain `pulumi stack output` here reads it. Needs what local/e2e.sh needs. Not run in CI.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/versions.sh"

unset CNILAB_STATE PULUMI_BACKEND_URL
EXERCISE=deny-nginx
keep=0
stack=kindnet
for a in "$@"; do
  case $a in
    --keep) keep=1 ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "terminal-live: unknown option '$a' (allowed: --keep, --help)" >&2; exit 2 ;;
    *) stack=$a ;;
  esac
done
[ -f "$root/stacks/Pulumi.$stack.yaml" ] || { echo "terminal-live: no stack file stacks/Pulumi.$stack.yaml" >&2; exit 2; }
name="local-$stack-$EXERCISE"
# Every command bounded: a lab that hangs ends the run rather than the session.
cnilab() { (cd "$root" && timeout 1800 npx tsx cli/main.ts "$@"); }

timeout 10800 "$here/build.sh" --no-up
. "$here/pulumi-env.sh"
. "$here/shim-env.sh"

# Node subnet 172.16.(230 + the stack's place among the tracked files).0/24: e2e.sh's stacks take 200 + it.
tracked=$(cd "$root/stacks" && ls Pulumi.*.yaml | grep -v '^Pulumi\.local-' | sed 's/^Pulumi\.\(.*\)\.yaml$/\1/' | LC_ALL=C sort)
third=$((230 + $(grep -nxF "$stack" <<<"$tracked" | cut -d: -f1)))
[ "$third" -le 254 ] || { echo "terminal-live: no free subnet 172.16.$third.0/24 for $stack" >&2; exit 1; }
"$here/derive-stack.sh" "$stack" "172.16.$third.0/24" "$EXERCISE" >"$root/stacks/Pulumi.$name.yaml"

work=$(mktemp -d /tmp/cnilab-terminal-live.XXXXXX)
summary=()
# run LABEL EXPECTED_EXIT CMD…: runs, keeps stdout in $work/LABEL.out, records exit code and seconds.
run() {
  local label=$1 want=$2 start=$SECONDS rc=0
  shift 2
  "$@" >"$work/$label.out" 2>"$work/$label.err" || rc=$?
  local line="$label: exit $rc (want $want), $((SECONDS - start)) s"
  summary+=("$line")
  echo "terminal-live: $line"
  [ "$rc" = "$want" ] || { echo "terminal-live: $label failed; its output:" >&2; cat "$work/$label.err" "$work/$label.out" >&2; status=1; }
}
status=0
finish() {
  if [ $keep -eq 0 ]; then
    cnilab down "$name" >"$work/down.out" 2>&1 && echo "terminal-live: down $name" || { echo "terminal-live: down $name failed, see $work/down.out" >&2; status=1; }
    rm -f "$root/stacks/Pulumi.$name.yaml"
  else
    echo "terminal-live: --keep: $name stays up; 'npm run -s lab -- down $name', then remove stacks/Pulumi.$name.yaml"
  fi
  printf '%s\n' "${summary[@]}" | sed 's/^/terminal-live summary: /'
  echo "terminal-live: outputs in $work"
}
trap 'finish; exit $status' EXIT

run up 0 cnilab up "$name"
[ $status -eq 0 ] || exit
run main-verify 0 cnilab verify "$name" --json

# The participant's files, as `workshop up` puts them in their terminal: the context (workshop,
# participant, backend, lab, the lab's assertions output) and the cluster's kubeconfig; and the
# stack's image map, which `workshop up` does not write (its caches serve the pinned references) but
# without which the check's probe Jobs would pull the pinned node image from Docker Hub here.
# `stack output` has no --config-file: it runs in the folder of the settings copy that holds the
# passphrase's salt (cli/stack-settings.ts), against the project's backend.
(PULUMI_BACKEND_URL="file://$root/.cnilab/state" PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-cnilab} \
  pulumi -C "$root/.cnilab/stack-settings/default" stack output --stack "$name" --show-secrets --json) >"$work/outputs.json"
ctx=$(cd "$root" && OUT="$work/outputs.json" WORK="$work" STACK_FILE="$root/stacks/Pulumi.$name.yaml" npx tsx -e '
  import { readFileSync, writeFileSync } from "node:fs";
  import { readStackFile } from "./labs";
  import { terminalContextText } from "./terminal/context";
  import { writeTerminalImageContext } from "./terminal/image";
  const o = JSON.parse(readFileSync(process.env.OUT!, "utf8"));
  const w = process.env.WORK!;
  const stack = readStackFile(process.env.STACK_FILE!);
  const imageMap = stack.imageMap as Record<string, string>;
  writeFileSync(`${w}/lab.json`, terminalContextText({ workshop: "local", participant: "p1", backend: o.backend, lab: String(stack.lab), assertions: o.assertions, imageMap }));
  writeFileSync(`${w}/kubeconfig`, o.kubeconfig, { mode: 0o600 });
  console.log(writeTerminalImageContext(`${w}/image`));
')
term() { KUBECONFIG="$work/kubeconfig" CNILAB_TERMINAL_CONTEXT="$work/lab.json" CNILAB_STATE="$work/state" node "$ctx/cli/cnilab.js" "$@"; }

run terminal-verify 0 term verify --json
# The same probes with the same statuses, read by the terminal's cnilab and by the main one.
node -e '
  const [a, b] = process.argv.slice(1).map((f) => JSON.parse(require("fs").readFileSync(f, "utf8")));
  const rows = (r) => JSON.stringify(r.probes.map((p) => [p.id, p.status]).sort());
  if (JSON.stringify(a.counts) !== JSON.stringify(b.counts) || rows(a) !== rows(b)) { console.error("terminal-live: verify differs", a.counts, b.counts); process.exit(1); }
  console.log(`terminal-live: verify counts equal: ${JSON.stringify(a.counts)}`);
' "$work/main-verify.out" "$work/terminal-verify.out" || status=1

run check-before 1 term check "$EXERCISE" --live -o json
# From the goal (nothing may reach app=nginx in default): a policy that selects nginx for ingress and allows nothing.
cat >"$work/mine.yaml" <<'EOF'
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: isolate-nginx, namespace: default }
spec:
  podSelector: { matchLabels: { app: nginx } }
  policyTypes: [Ingress]
EOF
run apply 0 kubectl --kubeconfig "$work/kubeconfig" apply -f "$work/mine.yaml"
run check-after 0 term check "$EXERCISE" --live -o json
for c in check-before check-after; do
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const agree = r.probes.filter((p) => p.status === "pass").length;
    const seen = r.cells.map((c) => `${c.from} ${c.observed.join("/") || "-"}`).join(", ");
    console.log(`terminal-live: ${process.argv[2]}: done ${r.done}, ${r.met}/${r.total} goal cells met, ${agree}/${r.probes.length} probes as the backend is expected to behave (observed: ${seen})`);
  ' "$work/$c.out" "$c" 2>/dev/null || echo "terminal-live: $c: no JSON report (see $work/$c.err)"
done
