package io.warmpath.assertion;

import java.text.ParseException;
import java.time.Duration;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;

/**
 * Signs and verifies throwaway ES256 tokens with a key of its own before the service reports ready. A cold JVM runs
 * the P-256 arithmetic interpreted, many times slower than once compiled, and a service that starts serving cold
 * pays for it on its first requests, when every caller's assertion is new and a burst of them arrives at once.
 * Runs as an {@link ApplicationRunner}, which Boot completes before readiness turns to accepting traffic.
 */
public final class AssertionWarmUp implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AssertionWarmUp.class);

    private final int rounds;
    private final Duration budget;

    /**
     * @param rounds how many tokens to sign and verify, at most
     * @param budget how long to spend at most, however few rounds that allows
     */
    public AssertionWarmUp(int rounds, Duration budget) {
        this.rounds = rounds;
        this.budget = budget;
    }

    @Override
    public void run(ApplicationArguments args) throws JOSEException, ParseException {
        warmUp();
    }

    /** Signs and verifies until the rounds or the budget run out; returns how many tokens it signed. */
    int warmUp() throws JOSEException, ParseException {
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("warm-up").generate();
        ECDSASigner signer = new ECDSASigner(key);
        ECDSAVerifier verifier = new ECDSAVerifier(key.toPublicJWK());
        int done = 0;
        while (done < rounds && System.nanoTime() < deadline) {
            JWSObject token = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                    new Payload("{\"round\":" + done + "}"));
            token.sign(signer);
            if (!JWSObject.parse(token.serialize()).verify(verifier)) {
                throw new IllegalStateException("a token signed during the warm-up did not verify");
            }
            done++;
        }
        log.info("Warmed up assertion signing and verification with {} tokens in {} ms", done,
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        return done;
    }
}
