package io.warmpath.bench.overhead;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Option values of the rate commands: a comma-separated list of positive rates, seconds as a duration. */
final class Rates {

    private Rates() {
    }

    static List<Double> parse(CommandSpec spec, String option, String csv) {
        List<Double> rates = new ArrayList<>();
        for (String rate : csv.split(",")) {
            try {
                double parsed = Double.parseDouble(rate.trim());
                if (parsed > 0) {
                    rates.add(parsed);
                    continue;
                }
            } catch (NumberFormatException notANumber) {
                // reported below with the rest
            }
            throw new ParameterException(spec.commandLine(),
                    option + " needs requests per second above 0, separated by commas; not '" + rate + "'");
        }
        return rates;
    }

    static Duration duration(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
