package io.warmpath.bench.levers;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/** The offline replay of the levers: each lever's arm against its control, as the tables print them. */
class OfflineLeversCommandTest {

    /** Scenario and arm to the row's cells. */
    private static final Map<String, String[]> ROWS = new HashMap<>();

    @BeforeAll
    static void replay() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = new CommandLine(new OfflineLeversCommand(new PrintStream(printed, true, StandardCharsets.UTF_8)))
                .execute("--sessions", "4", "--turns", "8");
        assertThat(exit).isZero();
        String scenario = "";
        for (String line : printed.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("### ")) {
                scenario = line.substring(4).strip();
            } else if (line.startsWith("| ") && !line.startsWith("| arm") && !line.startsWith("| routing")) {
                String[] cells = line.substring(2, line.length() - 2).split(" \\| ");
                ROWS.put(scenario + "/" + cells[0], cells);
            }
        }
    }

    @Test
    void stableToolsKeepTheCacheAClientThatReordersThemLoses() {
        assertThat(number("reordered-tools/treated", 2)).isGreaterThan(number("reordered-tools/control", 2) + 0.3);
        assertThat(number("reordered-tools/treated", 8)).isZero();
        assertThat(number("reordered-tools/control", 8)).isPositive();
        assertThat(number("steady/treated", 5)).isEqualTo(number("steady/control", 5));
    }

    @Test
    void aChangingSystemPromptBreaksEveryLaterTurnAndDiagnosisSeesEachBreak() {
        assertThat(number("changing-system/treated", 8)).isEqualTo(4 * 7);
    }

    @Test
    void trimmedToolsLowerPromptTokensAndCost() {
        assertThat(number("unused-tools/treated", 3)).isLessThan(number("unused-tools/control", 3));
        assertThat(number("unused-tools/treated", 5)).isLessThan(number("unused-tools/control", 5));
    }

    @Test
    void checkpointsServeEveryTurnCachedWhereRefuseStopsAndASlidingWindowBreaksEachTurn() {
        assertThat(number("outgrowing/checkpoint", 2)).isEqualTo(number("outgrowing/checkpoint", 1));
        assertThat(number("outgrowing/refuse", 2)).isLessThan(number("outgrowing/refuse", 1));
        assertThat(number("outgrowing/checkpoint", 3)).isGreaterThan(number("outgrowing/sliding-window", 3));
        assertThat(number("outgrowing/checkpoint", 6)).isLessThan(number("outgrowing/sliding-window", 6));
    }

    @Test
    void costAwareRoutingCostsNoMoreThanEitherOtherRouting() {
        double costAware = number("light-turns/cost-aware", 5);
        assertThat(costAware).isLessThanOrEqualTo(number("light-turns/always-default", 5));
        assertThat(costAware).isLessThanOrEqualTo(number("light-turns/class-only", 5));
    }

    private static double number(String row, int column) {
        assertThat(ROWS).containsKey(row);
        return Double.parseDouble(ROWS.get(row)[column].replace(",", ""));
    }
}
