package io.warmpath.gateway.idempotency;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * The records of {@code Idempotency-Key}s in Redis, one string per tenant's key, each changed by one script so that
 * gateways racing on a key agree: {@code p|fingerprint|owner} while its request is served (for at most the in-flight
 * lease), then {@code d|fingerprint|sealed response} or {@code n|fingerprint|status|bytes} (served, response too
 * large to keep) for the retention.
 */
final class IdempotencyStore {

    private static final Logger log = LoggerFactory.getLogger(IdempotencyStore.class);
    private static final RedisScript<String> CLAIM = RedisScript.of(new ClassPathResource("idempotency/claim.lua"),
            String.class);
    private static final RedisScript<Long> FINISH = RedisScript.of(new ClassPathResource("idempotency/finish.lua"),
            Long.class);

    private final ReactiveStringRedisTemplate redis;
    private final IdempotencyProperties properties;

    IdempotencyStore(ReactiveStringRedisTemplate redis, IdempotencyProperties properties) {
        this.redis = redis;
        this.properties = properties;
    }

    /** What became of a request's key; {@link Claim.Unchecked} when Redis does not answer within the timeout. */
    Mono<Claim> claim(KeyScope scope, String fingerprint) {
        String pending = "p|" + fingerprint + "|" + UUID.randomUUID();
        return redis.execute(CLAIM, List.of(scope.redisKey()),
                List.of(pending, Long.toString(properties.inFlightLease().toMillis())))
                .next()
                .defaultIfEmpty("")
                .timeout(properties.timeout())
                .map(record -> record.isEmpty() ? new Claim.Claimed(scope, pending) : existing(scope, fingerprint, record))
                // The claim may have reached Redis all the same: the request gives it back once served.
                .onErrorResume(failure -> Mono.just(new Claim.Unchecked(new Claim.Claimed(scope, pending), failure)));
    }

    /** Keeps the served request's response for repeats. */
    Mono<Void> keep(Claim.Claimed claim, KeptResponse response) {
        String fingerprint = fingerprintOf(claim.pending());
        return finish(claim, "d|" + fingerprint + "|" + claim.scope().seal(response.encoded()), properties.retention());
    }

    /** Remembers that the request was served, though its response is too large to keep. */
    Mono<Void> servedNotKept(Claim.Claimed claim, int status, long bytes) {
        return finish(claim, "n|" + fingerprintOf(claim.pending()) + "|" + status + "|" + bytes, properties.retention());
    }

    /** Gives the key back: the request did nothing a repeat must not do again. */
    Mono<Void> release(Claim.Claimed claim) {
        return finish(claim, "", Duration.ZERO);
    }

    private Mono<Void> finish(Claim.Claimed claim, String outcome, Duration keepFor) {
        return redis.execute(FINISH, List.of(claim.scope().redisKey()),
                List.of(claim.pending(), outcome, Long.toString(keepFor.toMillis())))
                .next()
                .timeout(properties.timeout())
                .then();
    }

    private static Claim existing(KeyScope scope, String fingerprint, String record) {
        String[] fields = record.split("\\|", 4);
        if (fields.length < 3 || !fields[1].equals(fingerprint)) {
            return Claim.Mismatch.INSTANCE;
        }
        return switch (fields[0]) {
            case "p" -> Claim.InFlight.INSTANCE;
            case "d" -> kept(scope, fields[2]);
            case "n" -> fields.length == 4 ? new Claim.NotKept(Integer.parseInt(fields[2]), Long.parseLong(fields[3]))
                    : Claim.Mismatch.INSTANCE;
            default -> Claim.Mismatch.INSTANCE;
        };
    }

    private static Claim kept(KeyScope scope, String sealed) {
        try {
            return new Claim.Kept(KeptResponse.decode(scope.open(sealed)));
        }
        catch (GeneralSecurityException | IOException | IllegalArgumentException unreadable) {
            // Sealed with this tenant's key by a gateway of another version, or altered in Redis: served, not kept.
            log.warn("A kept idempotent response cannot be read ({})", unreadable.getClass().getSimpleName());
            return new Claim.NotKept(0, -1);
        }
    }

    private static String fingerprintOf(String pending) {
        return pending.split("\\|", 3)[1];
    }

    /** A request's standing with its key. */
    sealed interface Claim {

        /** The key is this request's: serve it, then {@link #keep} or {@link #release}. */
        record Claimed(KeyScope scope, String pending) implements Claim {
        }

        /** An earlier request with the key and the same fingerprint is being served. */
        enum InFlight implements Claim {
            INSTANCE
        }

        /** The key was used for a different request. */
        enum Mismatch implements Claim {
            INSTANCE
        }

        /** The same request was served; its response. */
        record Kept(KeptResponse response) implements Claim {
        }

        /**
         * The same request was served with a response too large to keep.
         *
         * @param bytes the response body's size; -1 when not known
         */
        record NotKept(int status, long bytes) implements Claim {
        }

        /** Redis did not answer in time: nobody knows, and the claim may stand. */
        record Unchecked(Claimed claim, Throwable failure) implements Claim {
        }
    }
}
