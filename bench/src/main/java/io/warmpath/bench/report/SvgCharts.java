package io.warmpath.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small self-contained SVG charts: no script, no external files, readable in any browser. */
final class SvgCharts {

    static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f"};
    private static final int WIDTH = 720;
    private static final int HEIGHT = 320;
    private static final int LEFT = 60;
    private static final int RIGHT = 150;
    private static final int TOP = 20;
    private static final int BOTTOM = 40;

    private SvgCharts() {
    }

    /** Vertical bars, one per label, values as percentages of {@code max}. */
    static String bars(List<String> labels, List<Double> values, double max, String valueFormat) {
        StringBuilder svg = open();
        int plotWidth = WIDTH - LEFT - 20;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        axes(svg, 0, max, false, plotWidth, valueFormat);
        double slot = (double) plotWidth / labels.size();
        for (int i = 0; i < labels.size(); i++) {
            double height = plotHeight * Math.min(1, values.get(i) / max);
            double x = LEFT + i * slot + slot * 0.15;
            svg.append(fmt("<rect x='%.1f' y='%.1f' width='%.1f' height='%.1f' fill='%s'/>", x,
                    TOP + plotHeight - height, slot * 0.7, height, COLOURS[i % COLOURS.length]));
            svg.append(fmt("<text x='%.1f' y='%.1f' text-anchor='middle' font-size='12'>%s</text>", x + slot * 0.35,
                    TOP + plotHeight - height - 4, String.format(Locale.ROOT, valueFormat, values.get(i))));
            svg.append(fmt("<text x='%.1f' y='%d' text-anchor='middle' font-size='12'>%s</text>", x + slot * 0.35,
                    HEIGHT - BOTTOM + 16, escape(labels.get(i))));
        }
        return svg.append("</svg>").toString();
    }

    /**
     * One line per series of (x, y) points.
     *
     * @param logX log10 scale on x (for latency distributions spanning decades)
     */
    static String lines(Map<String, double[][]> series, boolean logX, String xLabel, String yLabel) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        for (double[][] points : series.values()) {
            for (double[] point : points) {
                double x = logX ? Math.log10(Math.max(point[0], 1e-3)) : point[0];
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, point[1]);
            }
        }
        if (minX == Double.MAX_VALUE) {
            return "<p>no data</p>";
        }
        if (maxX <= minX) {
            maxX = minX + 1;
        }
        maxY = maxY <= 1 ? 1 : maxY * 1.05; // shares end at exactly 1
        StringBuilder svg = open();
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        axes(svg, 0, maxY, true, plotWidth, "%.2f");
        for (int tick = 0; tick <= 4; tick++) {
            double x = minX + (maxX - minX) * tick / 4;
            double label = logX ? Math.pow(10, x) : x;
            svg.append(fmt("<text x='%.1f' y='%d' text-anchor='middle' font-size='11'>%s</text>",
                    LEFT + plotWidth * tick / 4.0, HEIGHT - BOTTOM + 16, compact(label)));
        }
        svg.append(fmt("<text x='%d' y='%d' text-anchor='middle' font-size='12'>%s</text>", LEFT + plotWidth / 2,
                HEIGHT - 6, escape(xLabel)));
        svg.append(fmt("<text x='14' y='%d' font-size='12' transform='rotate(-90 14 %d)' text-anchor='middle'>%s</text>",
                TOP + plotHeight / 2, TOP + plotHeight / 2, escape(yLabel)));
        int index = 0;
        for (Map.Entry<String, double[][]> entry : series.entrySet()) {
            String colour = COLOURS[index % COLOURS.length];
            StringBuilder path = new StringBuilder();
            for (double[] point : entry.getValue()) {
                double x = logX ? Math.log10(Math.max(point[0], 1e-3)) : point[0];
                path.append(fmt("%s%.1f,%.1f ", path.isEmpty() ? "M" : "L",
                        LEFT + plotWidth * (x - minX) / (maxX - minX), TOP + plotHeight * (1 - point[1] / maxY)));
            }
            svg.append(fmt("<path d='%s' fill='none' stroke='%s' stroke-width='2'/>", path.toString().trim(), colour));
            svg.append(fmt("<rect x='%d' y='%d' width='12' height='12' fill='%s'/>", WIDTH - RIGHT + 15,
                    TOP + 18 * index, colour));
            svg.append(fmt("<text x='%d' y='%d' font-size='12'>%s</text>", WIDTH - RIGHT + 32, TOP + 18 * index + 11,
                    escape(entry.getKey())));
            index++;
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder open() {
        return new StringBuilder(fmt("<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                + "viewBox='0 0 %d %d' font-family='sans-serif'>", WIDTH, HEIGHT, WIDTH, HEIGHT));
    }

    private static void axes(StringBuilder svg, double minY, double maxY, boolean grid, int plotWidth,
                             String valueFormat) {
        int plotHeight = HEIGHT - TOP - BOTTOM;
        svg.append(fmt("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>", LEFT, TOP, LEFT, TOP + plotHeight));
        svg.append(fmt("<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>", LEFT, TOP + plotHeight,
                LEFT + plotWidth, TOP + plotHeight));
        for (int tick = 0; tick <= 4; tick++) {
            double value = minY + (maxY - minY) * tick / 4;
            double y = TOP + plotHeight * (1 - tick / 4.0);
            if (grid && tick > 0) {
                svg.append(fmt("<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>", LEFT, y, LEFT + plotWidth, y));
            }
            svg.append(fmt("<text x='%d' y='%.1f' text-anchor='end' font-size='11'>%s</text>", LEFT - 6, y + 4,
                    String.format(Locale.ROOT, valueFormat, value)));
        }
    }

    private static String compact(double value) {
        if (value >= 10_000) {
            return fmt("%.0fk", value / 1000);
        }
        return value >= 100 ? fmt("%.0f", value) : fmt("%.1f", value);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
                .replace("\"", "&quot;");
    }

    private static String fmt(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
