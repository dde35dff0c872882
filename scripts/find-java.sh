# Sourced by ./warmpath and .ci/run: sets JAVA_HOME to a JDK of release 21 or newer.
# Order: JAVA_HOME if it is new enough, then the newest JDK under /usr/lib/jvm, then `java` on PATH.

java_release() {
    # Prints the feature release of the JDK at $1 (e.g. 25), or nothing.
    local home=$1
    [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
    "$home/bin/java" -XshowSettings:properties -version 2>&1 |
        sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}

find_java_home() {
    local candidate release best="" best_release=0
    if [ -n "${JAVA_HOME:-}" ]; then
        release=$(java_release "$JAVA_HOME")
        if [ -n "$release" ] && [ "$release" -ge 21 ]; then
            echo "$JAVA_HOME"
            return 0
        fi
    fi
    for candidate in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$candidate" ] || continue
        release=$(java_release "$candidate")
        if [ -n "$release" ] && [ "$release" -ge 21 ] && [ "$release" -gt "$best_release" ]; then
            best=$candidate
            best_release=$release
        fi
    done
    if [ -z "$best" ] && command -v javac >/dev/null 2>&1; then
        candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
        release=$(java_release "$candidate")
        if [ -n "$release" ] && [ "$release" -ge 21 ]; then
            best=$candidate
        fi
    fi
    [ -n "$best" ] || return 1
    echo "$best"
}

if ! JAVA_HOME=$(find_java_home); then
    echo "Warmpath needs a JDK 21 or newer; set JAVA_HOME to one." >&2
    exit 1
fi
