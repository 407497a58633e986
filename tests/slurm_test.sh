#!/usr/bin/env bash
# A real scheduler, not a simulation: where Slurm is installed (Debian's
# slurm-wlm and munge), starts a single-node Slurm on this machine (munged,
# slurmctld, slurmd), submits a 4-task array sweep and the dependent merge
# (scripts/slurm/submit.sh), waits, and checks the merged outputs
# byte-identical to an unsharded sweep. Stops what it started. Runs when
# IHTBATCH_SLURM_TEST=1 (it starts system daemons); skipped (77) otherwise or
# where Slurm is not installed.
set -u
bin=$1 root=$2
[ "${IHTBATCH_SLURM_TEST:-0}" = 1 ] || { echo "IHTBATCH_SLURM_TEST is not 1: skipped (it starts munged, slurmctld, slurmd)"; exit 77; }
for tool in munged slurmctld slurmd sbatch sinfo; do
  command -v $tool >/dev/null || { echo "no $tool: Slurm is not installed (apt-get install slurm-wlm munge): skipped"; exit 77; }
done
tmp=$(mktemp -d)
started=()
cleanup() {
  for pid in "${started[@]}"; do kill "$pid" 2>/dev/null; done
  sleep 1
  for pid in "${started[@]}"; do kill -9 "$pid" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT
logs() { for f in "$tmp"/*.log "$tmp"/out/*.out; do [ -e "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }; done; }
fail() { echo "FAIL: $*"; logs; echo "0 passed, 1 failed"; exit 1; }
# A machine where the daemons cannot run (no munge user, no hostname that
# resolves, a sandbox): the test could not run, which is a skip, not a pass.
cannot_start() { echo "could not start a single-node Slurm here: $*: skipped"; logs; exit 77; }

# munge, as in shared practice: a key, its directories, the daemon (if none runs).
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
  [ -s /etc/munge/munge.key ] || { head -c 1024 /dev/urandom > /etc/munge/munge.key; }
  chown munge:munge /etc/munge/munge.key /run/munge /var/lib/munge /var/log/munge 2>/dev/null
  chmod 400 /etc/munge/munge.key
  munged --force 2>"$tmp/munged.log" || cannot_start "munged did not start"
  for _ in $(seq 1 20); do [ -s /run/munge/munged.pid ] && break; sleep 0.25; done
  started+=("$(cat /run/munge/munged.pid 2>/dev/null)")
fi
for _ in $(seq 1 20); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
munge -n | unmunge >/dev/null 2>&1 || cannot_start "munge does not authenticate"

host=$(hostname -s)
mkdir -p "$tmp/ctld" "$tmp/d"
export SLURM_CONF=$tmp/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=ihtbatchtest
SlurmctldHost=$host
SlurmUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=$tmp/ctld
SlurmdSpoolDir=$tmp/d
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ReturnToService=2
NodeName=$host CPUs=$(nproc) RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" -i || cannot_start "slurmctld did not start"
sleep 1
started+=("$(cat "$tmp/slurmctld.pid" 2>/dev/null)")
slurmd -f "$SLURM_CONF" || cannot_start "slurmd did not start"
sleep 1
started+=("$(cat "$tmp/slurmd.pid" 2>/dev/null)")
for _ in $(seq 1 30); do sinfo -h -o %T 2>/dev/null | grep -q idle && break; sleep 1; done
sinfo -h -o %T | grep -q idle || cannot_start "the node never became idle"

args=(--runs 20 --max-steps 1000 --threads 1)
IHTBATCH=$bin bash "$root/scripts/slurm/submit.sh" 4 "$tmp/out" "${args[@]}" > "$tmp/submit.log" 2>&1 || fail "sbatch"
for _ in $(seq 1 180); do
  [ -s "$tmp/out/merged/meta.json" ] && break
  squeue -h -o %r 2>/dev/null | grep -q DependencyNeverSatisfied && fail "an array task failed (the merge can never start)"
  squeue -h 2>/dev/null | grep -q . || break
  sleep 1
done
[ -s "$tmp/out/merged/meta.json" ] || fail "the merge job never wrote its outputs"
"$bin" sweep "${args[@]}" --out "$tmp/whole" >/dev/null 2>&1 || fail "the unsharded sweep"
cmp "$tmp/out/merged/runs.csv" "$tmp/whole/runs.csv" || fail "merged runs.csv differs from the unsharded sweep's"
cmp "$tmp/out/merged/summary.csv" "$tmp/whole/summary.csv" || fail "merged summary.csv differs"
echo "4-task Slurm array and dependent merge: byte-identical to the unsharded sweep"
echo "1 passed, 0 failed"
