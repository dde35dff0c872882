package io.warmpath.cli.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The demo's results and its verdict. The demo passes only when every expected turn ran and succeeded and every
 * turn from the second on was served partly from the prefix cache ({@code cached_tokens > 0}).
 *
 * <p>Hit ratio = cached tokens / prompt tokens over turns 2..N: turn 1 of a session cannot hit a cache of its own
 * history, so counting it would only dilute the figure.
 */
public final class DemoReport {

    private static final String ROW_FORMAT = "%-22s %4s  %-12s %7s %7s %8s";

    private final int expectedSessions;
    private final int expectedTurns;
    private final List<TurnResult> turns;

    public DemoReport(int expectedSessions, int expectedTurns, List<TurnResult> turns) {
        this.expectedSessions = expectedSessions;
        this.expectedTurns = expectedTurns;
        this.turns = List.copyOf(turns);
    }

    public List<TurnResult> turns() {
        return turns;
    }

    public boolean passed() {
        return problems().isEmpty();
    }

    /** Why the demo failed, one line per reason; empty when it passed. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Map<String, List<TurnResult>> bySession = bySession();
        if (bySession.size() < expectedSessions) {
            problems.add("only " + bySession.size() + " of " + expectedSessions + " sessions ran");
        }
        for (TurnResult turn : turns) {
            if (!turn.succeeded()) {
                problems.add(turn.session() + " turn " + turn.turn() + " failed: " + turn.error());
            } else if (turn.turn() >= 2 && turn.cachedTokens() <= 0) {
                problems.add(turn.session() + " turn " + turn.turn() + " had no cached tokens (prompt "
                        + turn.promptTokens() + ", cell " + turn.cell() + "): the prefix cache was missed");
            }
        }
        bySession.forEach((session, sessionTurns) -> {
            if (sessionTurns.size() < expectedTurns) {
                problems.add(session + " ran " + sessionTurns.size() + " of " + expectedTurns + " turns");
            }
        });
        return problems;
    }

    /** The table header; pairs with {@link #row(TurnResult)}. */
    public static String header() {
        return ROW_FORMAT.formatted("session", "turn", "cell", "prompt", "cached", "ttft_ms");
    }

    /** One table row; a failed turn shows {@code FAILED} in place of its figures. */
    public static String row(TurnResult turn) {
        if (!turn.succeeded()) {
            return ROW_FORMAT.formatted(turn.session(), turn.turn(), turn.cell(), "FAILED", "-", "-");
        }
        return ROW_FORMAT.formatted(turn.session(), turn.turn(), turn.cell(), turn.promptTokens(),
                turn.cachedTokens(), turn.ttftMillis() < 0 ? "-" : turn.ttftMillis());
    }

    /** One line per session, in the order the sessions first ran, then an overall line with the verdict. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        bySession().forEach((session, sessionTurns) -> lines.add(session + ": " + figures(sessionTurns)
                + ", cells " + String.join(",", cells(sessionTurns))));
        lines.add("overall: " + figures(turns) + ", " + bySession().size() + " sessions: "
                + (passed() ? "PASS" : "FAIL"));
        return lines;
    }

    /** Header, rows and summary, as the {@code demo} command prints them. */
    public String render() {
        StringBuilder text = new StringBuilder(header()).append('\n');
        turns.forEach(turn -> text.append(row(turn)).append('\n'));
        summary().forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    private String figures(List<TurnResult> someTurns) {
        List<TurnResult> ok = someTurns.stream().filter(TurnResult::succeeded).toList();
        List<TurnResult> later = ok.stream().filter(turn -> turn.turn() >= 2).toList();
        long cached = later.stream().mapToLong(TurnResult::cachedTokens).sum();
        long prompt = later.stream().mapToLong(TurnResult::promptTokens).sum();
        String hitRatio = prompt == 0 ? "n/a"
                : String.format(Locale.ROOT, "%.1f%% (%d/%d cached)", 100.0 * cached / prompt, cached, prompt);
        return ok.size() + "/" + someTurns.size() + " turns ok, hit ratio turns 2+ " + hitRatio
                + ", mean ttft turn 1 " + meanTtft(ok, turn -> turn.turn() == 1)
                + ", turns 2+ " + meanTtft(ok, turn -> turn.turn() >= 2);
    }

    private static String meanTtft(List<TurnResult> ok, Predicate<TurnResult> which) {
        return ok.stream().filter(which).mapToLong(TurnResult::ttftMillis).filter(ms -> ms >= 0).average()
                .stream().mapToObj(mean -> Math.round(mean) + " ms").findFirst().orElse("n/a");
    }

    private static List<String> cells(List<TurnResult> sessionTurns) {
        LinkedHashSet<String> cells = new LinkedHashSet<>();
        sessionTurns.forEach(turn -> cells.add(turn.cell()));
        return List.copyOf(cells);
    }

    private Map<String, List<TurnResult>> bySession() {
        Map<String, List<TurnResult>> bySession = new LinkedHashMap<>();
        turns.forEach(turn -> bySession.computeIfAbsent(turn.session(), session -> new ArrayList<>()).add(turn));
        return bySession;
    }
}
