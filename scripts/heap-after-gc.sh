#!/usr/bin/env bash
# Samples the heap after a full GC of every Warmpath JVM on this machine (the services of ./warmpath up), for a soak:
#   scripts/heap-after-gc.sh SECONDS [INTERVAL]   (default interval 30 s)
# Prints CSV lines "elapsed_s,service,heap_after_gc_mib" while it runs, then per service the first and last sample,
# the highest, and the growth over the second half of the run (a leak keeps growing; a cache filling levels off).
# Forcing a GC each interval costs the services a pause; it is what makes the figure the live heap.
set -euo pipefail
duration=${1:?usage: $0 SECONDS [INTERVAL]}
interval=${2:-30}
source "$(dirname "$0")/find-java.sh"
jcmd="$JAVA_HOME/bin/jcmd"

# "module[:port]" of each Warmpath JVM, by pid.
declare -A names
while read -r pid cmd; do
    module=$(grep -o '[a-z-]*-[0-9][^ ]*-exec\.jar' <<<"$cmd" | sed -E 's/-[0-9][^ ]*-exec\.jar$//' | head -1)
    [ -n "$module" ] || continue
    port=$(grep -oE -- '--(server\.)?port=[0-9]+' <<<"$cmd" | head -1 | grep -oE '[0-9]+$' || true)
    names[$pid]="$module${port:+:$port}"
done < <(pgrep -af -- '-exec\.jar')
[ "${#names[@]}" -gt 0 ] || { echo "no Warmpath JVM is running (./warmpath up -d)" >&2; exit 1; }

samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
start=$SECONDS
echo "elapsed_s,service,heap_after_gc_mib"
while true; do
    elapsed=$((SECONDS - start))
    for pid in "${!names[@]}"; do
        "$jcmd" "$pid" GC.run >/dev/null 2>&1 || continue
        # Serial and G1 both report the heap's "used" in K on their first lines; metaspace is not heap.
        used_k=$("$jcmd" "$pid" GC.heap_info 2>/dev/null | grep -v -i 'metaspace\|class space' \
            | grep -oE 'used [0-9]+K' | grep -oE '[0-9]+' | awk '{ s += $1 } END { if (NR) print s }')
        [ -n "$used_k" ] || continue
        line="$elapsed,${names[$pid]},$(awk -v k="$used_k" 'BEGIN { printf "%.1f", k / 1024 }')"
        echo "$line"
        echo "$line" >>"$samples"
    done
    [ "$elapsed" -ge "$duration" ] && break
    sleep "$interval"
done

echo
echo "| service | first MiB | last MiB | highest MiB | growth over the second half, MiB |"
echo "|---|---:|---:|---:|---:|"
sort -t, -k2,2 -k1,1n "$samples" | awk -F, -v half=$((duration / 2)) '
    { if (!($2 in first)) first[$2] = $3; last[$2] = $3; if ($3 > high[$2]) high[$2] = $3
      if ($1 >= half && !($2 in mid)) mid[$2] = $3 }
    END { for (s in first) printf "| %s | %.1f | %.1f | %.1f | %+.1f |\n", s, first[s], last[s], high[s], last[s] - mid[s] }' \
    | sort
