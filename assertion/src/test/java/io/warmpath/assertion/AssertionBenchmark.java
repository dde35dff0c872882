package io.warmpath.assertion;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Ticker;
import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.assertion.Audiences;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What the internal assertion costs one hop: the gateway minting it and a service verifying it, for the assertion of
 * a session's next turn (reused and remembered, the common case) and for a new one (signed and verified from
 * scratch: a new session, caller or data class). Run with
 * {@code ./mvnw -q -pl assertion test-compile exec:exec ... org.openjdk.jmh.Main AssertionBenchmark} (see
 * docs/benchmarks.md, "Internal assertion").
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class AssertionBenchmark {

    private static final Assertion TURN = TestAssertions.sessionTurn("acme", "ses_01HZX3", true);

    private AssertionIssuer issuer;
    private AssertionJwtDecoder rememberingDecoder;
    private AssertionJwtDecoder forgetfulDecoder;
    private String token;
    private String[] freshTokens;
    private int next;

    @Setup
    public void keys() {
        TestAssertions keys = TestAssertions.create();
        issuer = keys.issuer();
        rememberingDecoder = decoder(keys, Duration.ofSeconds(60));
        // Remembers nothing: every decode verifies the signature, as for an assertion seen the first time.
        forgetfulDecoder = decoder(keys, Duration.ZERO);
        token = issuer.mint(TURN, Audiences.INFERENCE);
        rememberingDecoder.decode(token);
        freshTokens = new String[1024];
        for (int i = 0; i < freshTokens.length; i++) {
            freshTokens[i] = issuer.mint(TURN.forSession("ses_" + i, true, TURN.dataClass(), null),
                    Audiences.INFERENCE);
        }
    }

    /** The gateway, for a session's next turn: the assertion minted for its previous turn. */
    @Benchmark
    public String mintReused() {
        return issuer.mint(TURN, Audiences.INFERENCE);
    }

    /** A service, for a session's next turn: the assertion it verified on the previous one. */
    @Benchmark
    public Jwt verifyRemembered() {
        return rememberingDecoder.decode(token);
    }

    /** One hop of a session's next turn: both of the above. */
    @Benchmark
    public Jwt hopReused() {
        return rememberingDecoder.decode(issuer.mint(TURN, Audiences.INFERENCE));
    }

    /** The gateway, for a new session: an ES256 signature. */
    @Benchmark
    public String mintNew() {
        return issuer.mint(TURN.forSession("new-" + next++, true, TURN.dataClass(), null), Audiences.INFERENCE);
    }

    /** A service, for an assertion it has not seen: an ES256 verification. */
    @Benchmark
    public Jwt verifyNew() {
        return forgetfulDecoder.decode(freshTokens[next++ & (freshTokens.length - 1)]);
    }

    private static AssertionJwtDecoder decoder(TestAssertions keys, Duration maxCacheAge) {
        return new AssertionJwtDecoder(AssertionKeys.keySet(AssertionKeys.urlOf(keys.jwkSetFile().toUri()),
                Duration.ofMinutes(5)), Audiences.GATEWAY_ISSUER, Audiences.INFERENCE, Duration.ofSeconds(30),
                maxCacheAge, Clock.systemUTC(), Ticker.systemTicker());
    }
}
