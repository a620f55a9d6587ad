#!/usr/bin/env bash
# procura against the ABC reference job's baselines (../shared/bench), in one run.
#
#   scripts/bench.sh              # 1M and 10M rows, RUNS=5 (1M) / 3 (10M) timed runs each
#   SIZES=1m RUNS=3 scripts/bench.sh
#   TOOLS="procura polars" scripts/bench.sh
#
# What it does, on a fresh machine:
#  1. generates /tmp/purchases_1m.csv and /tmp/purchases_10m.csv with the bench generator
#     (seed 42), unless they are there with the documented size;
#  2. creates the baselines' virtual environment (/tmp/abc-bench-venv) when missing;
#  3. builds procura (release) and the hand-tuned Rust floor (its own target dir);
#  4. runs each tool once and checks that all outputs agree (compare.py: same suppliers
#     in the same order, exact spend, same class), with procura in the bench's boundary
#     convention (a rules file with boundary = "crossing-upper") and --format bench-csv;
#  5. times each tool: a warm-up, then RUNS rounds in which every tool runs once (so that
#     load on a shared machine falls on all alike), under GNU time (median wall, median
#     CPU = user + system, largest peak RSS), input read into the page cache before each
#     run;
#  6. prints the table and procura's ratios to polars and to the floor.
#
# procura runs the whole pipeline (read, aggregate, ABC on spend and on profit where
# present, classify, advise, write the CSV); the baselines do only the ABC part.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bench=${BENCH_DIR:-$(cd "$repo/../shared/bench" && pwd)}
SIZES=${SIZES:-"1m 10m"}
TOOLS=${TOOLS:-"procura floor_t2 floor polars duckdb"}
VENV=${VENV:-/tmp/abc-bench-venv}
out=${OUT:-/tmp/procura-bench}
mkdir -p "$out"
[ -x /usr/bin/time ] || { echo "GNU time is needed: apt-get install time" >&2; exit 1; }

# 1. Data: rows and the size the bench README documents for seed 42.
declare -A ROWS=([1m]=1000000 [10m]=10000000)
declare -A BYTES=([1m]=83805218 [10m]=842714779)
for s in $SIZES; do
  f=/tmp/purchases_$s.csv
  if [ "$(stat -c %s "$f" 2>/dev/null || echo 0)" != "${BYTES[$s]}" ]; then
    echo "== generating $f"
    python3 "$bench/gen_purchases.py" --rows "${ROWS[$s]}" --seed 42 --out "$f"
  fi
done

# 2. The baselines' Python.
if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet -r "$bench/requirements.txt"
fi
PY=$VENV/bin/python

# 3. Builds.
echo "== building procura and the Rust floor (release)"
PROCURA_TARGET=${CARGO_TARGET_DIR:-$repo/target}
cargo build --quiet --release --locked --manifest-path "$repo/Cargo.toml"
FLOOR_TARGET=${FLOOR_TARGET_DIR:-/tmp/abc-floor-target}
CARGO_TARGET_DIR=$FLOOR_TARGET cargo build --quiet --release \
  --manifest-path "$bench/rust-floor/Cargo.toml"
procura=$PROCURA_TARGET/release/procura
floor=$FLOOR_TARGET/release/abc_memchr

# The bench's boundary convention: a rules override (layered on the default rules).
rules=$out/bench-rules.toml
cat > "$rules" <<'TOML'
# The benchmark baselines keep the supplier that crosses a cut-off in the upper class.
[abc]
boundary = "crossing-upper"
TOML

cmd_for() { # tool size -> CMD
  local in=/tmp/purchases_$2.csv o=$out/$1_$2.csv
  case $1 in
    procura)  CMD=("$procura" analyze --rules "$rules" --format bench-csv "$in" -o "$o") ;;
    floor_t2) CMD=("$floor" --tuned --threads=2 "$in" "$o") ;;
    floor)    CMD=("$floor" --tuned "$in" "$o") ;;
    polars)   CMD=("$PY" "$bench/abc_polars.py" "$in" "$o") ;;
    duckdb)   CMD=("$PY" "$bench/abc_duckdb.py" "$in" "$o") ;;
    pandas)   CMD=("$PY" "$bench/abc_pandas.py" "$in" "$o") ;;
    *) echo "unknown tool $1" >&2; exit 2 ;;
  esac
}

summary=$out/summary.txt
: > "$summary"
for s in $SIZES; do
  # 4. Agreement.
  echo "== $s: outputs"
  files=()
  for t in $TOOLS; do cmd_for "$t" "$s"; "${CMD[@]}" > /dev/null; files+=("$out/${t}_$s.csv"); done
  ref=$out/floor_t2_$s.csv
  [ -f "$ref" ] || ref=${files[0]}
  "$PY" "$bench/compare.py" "$ref" "${files[@]}"

  # 5. Timing: round-robin over the tools (run 1 of each, run 2 of each, …), so that a
  # burst of load on a shared machine falls on every tool alike, not on one.
  runs=${RUNS:-$([ "$s" = 1m ] && echo 5 || echo 3)}
  for t in $TOOLS; do
    cmd_for "$t" "$s"
    "${CMD[@]}" > /dev/null # warm-up
    rm -f "$out/times_$t"
  done
  for _ in $(seq "$runs"); do
    for t in $TOOLS; do
      cmd_for "$t" "$s"
      # Back into the page cache before each run: on the project machine the kernel
      # reclaims cached file pages even with 20 GiB free (fincore showed the 1M ledger
      # 0.3 % cached about 20 minutes after its last use, the 10M one 87 %), and the tool
      # that read first after that paid for it.
      cat "/tmp/purchases_$s.csv" > /dev/null
      /usr/bin/time -a -o "$out/times_$t" -f '%e %U %S %M' "${CMD[@]}" > /dev/null
    done
  done
  for t in $TOOLS; do
    "$PY" - "$out/times_$t" "$t" "$s" >> "$summary" <<'PYEOF'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1]) if l.strip() and l[0].isdigit()]
wall = statistics.median(r[0] for r in rows)
cpu = statistics.median(r[1] + r[2] for r in rows)
peak = max(r[3] for r in rows) / 1024
print(sys.argv[2], sys.argv[3], f"{wall:.3f}", f"{cpu:.3f}", f"{peak:.1f}")
PYEOF
  done
done

# 6. The table and the ratios.
"$PY" - "$summary" <<'PYEOF'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
t = {(r[0], r[1]): (float(r[2]), float(r[3]), float(r[4])) for r in rows}
print()
print(f"{'tool':<10} {'rows':>5} {'wall s':>8} {'CPU s':>8} {'peak MiB':>9}")
for r in rows:
    print(f"{r[0]:<10} {r[1]:>5} {float(r[2]):8.3f} {float(r[3]):8.3f} {float(r[4]):9.1f}")
print()
for size in sorted({r[1] for r in rows}):
    p = t.get(("procura", size))
    if not p:
        continue
    parts = []
    for other, target in (("polars", 0.6), ("duckdb", None), ("floor_t2", 1.3)):
        o = t.get((other, size))
        if o:
            ratio = p[0] / o[0]
            goal = f" (target <= {target})" if target else ""
            parts.append(f"{ratio:.2f}x {other}{goal}")
    print(f"procura {size}: wall " + ", ".join(parts) + f"; peak {p[2]:.1f} MiB (target <= 64)")
PYEOF
