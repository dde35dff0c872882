package io.warmpath.bench.overhead;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's own timer of session resolution ({@code warmpath_gateway_sessions_resolutions_seconds}, a Prometheus
 * histogram by outcome), split into turns the near cache answered ({@code cached}, {@code stale}) and turns that
 * asked session-service (every other outcome). Two scrapes subtracted give the figures of the run between them.
 *
 * @param nearCache cumulative count per bucket upper bound (seconds) of near-cache answers
 * @param remote    cumulative count per bucket upper bound of answers that asked session-service
 */
record ResolutionTimes(TreeMap<Double, Double> nearCache, TreeMap<Double, Double> remote) {

    private static final String BUCKET = "warmpath_gateway_sessions_resolutions_seconds_bucket";
    private static final Set<String> NEAR_CACHE = Set.of("cached", "stale");
    private static final Pattern SAMPLE = Pattern.compile("^" + BUCKET + "\\{([^}]*)}\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    static ResolutionTimes scrape(HttpClient http, URI gateway) throws IOException, InterruptedException {
        URI uri = gateway.resolve("/actuator/prometheus");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    static ResolutionTimes parse(String exposition) {
        TreeMap<Double, Double> nearCache = new TreeMap<>();
        TreeMap<Double, Double> remote = new TreeMap<>();
        for (String line : exposition.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.find()) {
                continue;
            }
            String outcome = null;
            String le = null;
            Matcher label = LABEL.matcher(sample.group(1));
            while (label.find()) {
                switch (label.group(1)) {
                    case "outcome" -> outcome = label.group(2);
                    case "le" -> le = label.group(2);
                    default -> {
                        // other labels (application, instance) do not split the figures
                    }
                }
            }
            if (outcome == null || le == null) {
                continue;
            }
            double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
            (NEAR_CACHE.contains(outcome) ? nearCache : remote)
                    .merge(bound, Double.parseDouble(sample.group(2)), Double::sum);
        }
        return new ResolutionTimes(nearCache, remote);
    }

    /** What happened between {@code earlier} and this scrape. */
    ResolutionTimes minus(ResolutionTimes earlier) {
        return new ResolutionTimes(minus(nearCache, earlier.nearCache), minus(remote, earlier.remote));
    }

    long nearCacheCount() {
        return count(nearCache);
    }

    long remoteCount() {
        return count(remote);
    }

    /** The upper bound, in ms, of the bucket holding the near cache's p99; NaN without answers. */
    double nearCacheP99Millis() {
        return p99Millis(nearCache);
    }

    /** The upper bound, in ms, of the bucket holding the p99 of answers from session-service; NaN without any. */
    double remoteP99Millis() {
        return p99Millis(remote);
    }

    private static TreeMap<Double, Double> minus(TreeMap<Double, Double> later, TreeMap<Double, Double> earlier) {
        TreeMap<Double, Double> difference = new TreeMap<>();
        later.forEach((bound, count) -> difference.put(bound, count - earlier.getOrDefault(bound, 0.0)));
        return difference;
    }

    private static long count(TreeMap<Double, Double> cumulative) {
        return cumulative.isEmpty() ? 0 : Math.round(cumulative.lastEntry().getValue());
    }

    private static double p99Millis(TreeMap<Double, Double> cumulative) {
        long total = count(cumulative);
        if (total == 0) {
            return Double.NaN;
        }
        double rank = Math.ceil(0.99 * total);
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                return bucket.getKey() * 1000;
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
