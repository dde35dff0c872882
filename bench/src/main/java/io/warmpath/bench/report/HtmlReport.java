package io.warmpath.bench.report;

import io.warmpath.bench.profile.WorkflowProfile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One self-contained HTML page: the tables plus inline SVG charts (hit ratio, TTFT CDF, load over time, profile). */
public final class HtmlReport {

    private HtmlReport() {
    }

    public static String render(Comparison comparison) {
        StringBuilder html = new StringBuilder("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Warmpath workload replay</title>
                <style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}
                table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}
                td:first-child,th:first-child{text-align:left}pre{white-space:pre-wrap}</style></head><body>
                <h1>Workload replay</h1>
                """);
        String markdown = MarkdownReport.render(comparison);
        String[] parts = markdown.split("\n\n", 2);
        html.append("<p>").append(SvgCharts.escape(parts[0]).replace("\n", "<br>")).append("</p>\n");
        html.append(tables(markdown));

        List<String> labels = new ArrayList<>();
        List<Double> hitRatios = new ArrayList<>();
        for (PolicySummary summary : comparison.policies()) {
            labels.add(summary.policy());
            hitRatios.add(100 * summary.hitRatio());
        }
        double top = Math.max(10, Math.ceil(hitRatios.stream().mapToDouble(Double::doubleValue).max().orElse(0) / 10) * 10);
        html.append("<h2>Prefix cache hit ratio (% of prompt tokens)</h2>\n")
                .append(SvgCharts.bars(labels, hitRatios, top, "%.1f")).append('\n');
        html.append("<h2>Time to first token, CDF</h2>\n")
                .append(SvgCharts.lines(comparison.ttftCdf(), true, "TTFT (ms, log scale)", "share of turns"))
                .append('\n');
        html.append("<h2>Load over time: max over mean of turns per cell, per bucket</h2>\n")
                .append(SvgCharts.lines(comparison.loadOverTime(), false, "seconds from start", "max / mean"))
                .append('\n');
        for (WorkflowProfile profile : comparison.profiles()) {
            Map<String, double[][]> classes = new LinkedHashMap<>();
            classes.put("uncached prompt", series(profile, 0));
            classes.put("cached prompt", series(profile, 1));
            classes.put("completion", series(profile, 2));
            html.append("<h2>").append(SvgCharts.escape(profile.workflow()))
                    .append(": mean tokens by turn number (").append(SvgCharts.escape(profile.policy()))
                    .append(")</h2>\n")
                    .append(SvgCharts.lines(classes, false, "turn number in session (last point: that and later)",
                            "tokens")).append('\n');
        }
        return html.append("</body></html>\n").toString();
    }

    private static double[][] series(WorkflowProfile profile, int tokenClass) {
        return profile.byTurn().stream().map(row -> new double[] {row.turnNumber(), switch (tokenClass) {
            case 0 -> row.meanUncachedPrompt();
            case 1 -> row.meanCachedPrompt();
            default -> row.meanCompletion();
        }}).toArray(double[][]::new);
    }

    /** Markdown pipe tables as HTML tables; other lines as paragraphs. */
    static String tables(String markdown) {
        StringBuilder html = new StringBuilder();
        boolean inTable = false;
        boolean header = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("|")) {
                if (line.startsWith("|---")) {
                    continue;
                }
                if (!inTable) {
                    html.append("<table>");
                    inTable = true;
                    header = true;
                }
                String cell = header ? "th" : "td";
                html.append("<tr>");
                String[] cells = line.substring(1, line.length() - 1).split("\\|");
                for (String value : cells) {
                    html.append('<').append(cell).append('>').append(SvgCharts.escape(value.trim()))
                            .append("</").append(cell).append('>');
                }
                html.append("</tr>\n");
                header = false;
            } else {
                if (inTable) {
                    html.append("</table>\n");
                    inTable = false;
                }
                if (!line.isBlank() && !line.startsWith("Workload ") && !line.startsWith("Fleet:")) {
                    html.append("<p>").append(SvgCharts.escape(line)).append("</p>\n");
                }
            }
        }
        if (inTable) {
            html.append("</table>\n");
        }
        return html.toString();
    }
}
