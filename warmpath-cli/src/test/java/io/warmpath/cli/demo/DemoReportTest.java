package io.warmpath.cli.demo;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DemoReportTest {

    private static TurnResult ok(String session, int turn, long prompt, long cached, long ttft) {
        return TurnResult.succeeded(session, turn, "cell-1", prompt, cached, 20, ttft);
    }

    @Test
    void passesWhenEveryLaterTurnHitTheCache() {
        DemoReport report = new DemoReport(2, 3, List.of(
                ok("a", 1, 1000, 0, 80), ok("b", 1, 1000, 900, 30),
                ok("a", 2, 1200, 1000, 20), ok("b", 2, 1200, 1000, 22),
                ok("a", 3, 1400, 1200, 21), ok("b", 3, 1400, 1200, 19)));

        assertThat(report.passed()).isTrue();
        assertThat(report.problems()).isEmpty();
        assertThat(report.summary().getLast()).endsWith("PASS");
    }

    @Test
    void failsWhenALaterTurnHadNoCachedTokens() {
        DemoReport report = new DemoReport(1, 3, List.of(
                ok("a", 1, 1000, 0, 80), ok("a", 2, 1200, 1000, 20), ok("a", 3, 1400, 0, 85)));

        assertThat(report.passed()).isFalse();
        assertThat(report.problems()).singleElement().asString()
                .contains("a turn 3 had no cached tokens").contains("prompt 1400");
        assertThat(report.summary().getLast()).endsWith("FAIL");
    }

    @Test
    void failsWhenATurnFailedAndItsSessionStopped() {
        DemoReport report = new DemoReport(2, 2, List.of(
                ok("a", 1, 1000, 0, 80), TurnResult.failed("b", 1, "cell-2", "HTTP 503 engine down"),
                ok("a", 2, 1200, 1000, 20)));

        assertThat(report.problems()).containsExactlyInAnyOrder(
                "b ran 1 of 2 turns",
                "b turn 1 failed: HTTP 503 engine down");
    }

    @Test
    void failsWhenFewerSessionsRanThanExpected() {
        DemoReport report = new DemoReport(2, 1, List.of(ok("a", 1, 1000, 0, 80)));

        assertThat(report.problems()).containsExactly("only 1 of 2 sessions ran");
    }

    @Test
    void hitRatioCountsOnlyTurnsFromTheSecondOn() {
        DemoReport report = new DemoReport(1, 3, List.of(
                ok("a", 1, 1000, 0, 90), ok("a", 2, 1000, 750, 30), ok("a", 3, 1000, 850, 10)));

        assertThat(report.summary().getFirst())
                .isEqualTo("a: 3/3 turns ok, hit ratio turns 2+ 80.0% (1600/2000 cached), "
                        + "mean ttft turn 1 90 ms, turns 2+ 20 ms, cells cell-1");
    }

    @Test
    void overallLineAddsUpAllSessions() {
        DemoReport report = new DemoReport(2, 2, List.of(
                ok("a", 1, 500, 0, 60), ok("b", 1, 500, 0, 40),
                ok("a", 2, 1000, 500, 10), TurnResult.succeeded("b", 2, "cell-2", 1000, 250, 20, 30)));

        assertThat(report.summary()).hasSize(3);
        assertThat(report.summary().get(1)).endsWith("cells cell-1,cell-2");
        assertThat(report.summary().getLast())
                .isEqualTo("overall: 4/4 turns ok, hit ratio turns 2+ 37.5% (750/2000 cached), "
                        + "mean ttft turn 1 50 ms, turns 2+ 20 ms, 2 sessions: PASS");
    }

    @Test
    void rowsLineUpUnderTheHeader() {
        String header = DemoReport.header();
        String row = DemoReport.row(ok("demo-abc123-1", 2, 1234, 1000, 17));
        String failed = DemoReport.row(TurnResult.failed("demo-abc123-2", 3, "?", "timeout"));

        assertThat(header.split("\\s+")).containsExactly("session", "turn", "cell", "prompt", "cached", "ttft_ms");
        assertThat(row.split("\\s+")).containsExactly("demo-abc123-1", "2", "cell-1", "1234", "1000", "17");
        assertThat(failed.split("\\s+")).containsExactly("demo-abc123-2", "3", "?", "FAILED", "-", "-");
        assertThat(row).hasSameSizeAs(header);
        assertThat(row.indexOf("1234") + "1234".length()).isEqualTo(header.indexOf("prompt") + "prompt".length());
    }

    @Test
    void renderPrintsHeaderRowsAndSummary() {
        DemoReport report = new DemoReport(1, 2, List.of(ok("a", 1, 100, 0, 5), ok("a", 2, 150, 100, 3)));

        assertThat(report.render().lines().toList()).hasSize(1 + 2 + 2)
                .first().isEqualTo(DemoReport.header());
    }
}
