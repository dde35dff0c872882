package io.warmpath.inference.transcripts;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.inference.CellProperties;
import io.warmpath.redaction.Redactor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Stores the transcript of each turn of a recorded session at artifact-service, as one JSON artifact of that session
 * ({@code label kind=transcript}): the client's request and the answer, every string redacted as
 * {@link TranscriptProperties#redaction} says for the session's data class, with the model, this cell and the time.
 *
 * <p>A turn is recorded when the gateway sent the assertion for it ({@link WarmpathHeaders#ARTIFACTS_ASSERTION}: the
 * session records its transcript, and that assertion may store nothing else) and it completed. The store happens after
 * the answer went out, so it never delays a turn: transcripts wait in a queue bounded in count and in bytes,
 * {@code max-concurrent} are
 * stored at once, each with a few retries on a 5xx or no answer (the same {@code Idempotency-Key}, so a retry never
 * stores one twice). Every outcome is counted ({@value #TRANSCRIPTS}): {@code stored}; {@code refused} (artifact-service
 * said no, as when policy denies the class in that region); {@code failed}; {@code dropped} (queue full);
 * {@code not_configured} (no artifact-service URL).
 */
@Component
public class Transcripts {

    static final String TRANSCRIPTS = "warmpath.inference.transcripts";
    private static final int RETRIES = 2;
    private static final Duration BACKOFF = Duration.ofMillis(200);

    private static final Logger log = LoggerFactory.getLogger(Transcripts.class);

    private final TranscriptProperties properties;
    private final @Nullable WebClient artifacts;
    private final JsonMapper json;
    private final MeterRegistry meters;
    private final Clock clock;
    private final String cellId;
    private final Queue<Pending> queue;
    private final Semaphore writers;
    private final AtomicBoolean warnedUnconfigured = new AtomicBoolean();
    private final AtomicLong queuedBytes = new AtomicLong();

    Transcripts(TranscriptProperties properties, CellProperties cell, JsonMapper json, MeterRegistry meters) {
        this.properties = properties;
        this.json = json;
        this.meters = meters;
        this.clock = Clock.systemUTC();
        this.cellId = cell.id();
        this.queue = new ArrayBlockingQueue<>(properties.queueCapacity());
        this.writers = new Semaphore(properties.maxConcurrent());
        this.artifacts = properties.artifactsUrl() == null ? null : WebClient.builder()
                .baseUrl(properties.artifactsUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create()
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                                Math.toIntExact(Math.max(1, properties.timeout().toMillis())))
                        .responseTimeout(properties.timeout())))
                .build();
    }

    /**
     * The transcript of a turn that is starting: {@link TurnTranscript#NONE} unless the gateway asked for it to be
     * recorded.
     *
     * @param caller             the turn's verified assertion (its session and data class)
     * @param artifactsAssertion the gateway's assertion for storing it; {@code null}: not recorded
     * @param policyAssertion    the turn's assertion for policy-service, which artifact-service checks the store with
     * @param endpoint           the API path the turn was sent to
     * @param request            the client's request body, as validated
     * @param requestBytes       about how many bytes that body is
     */
    public TurnTranscript begin(Assertion caller, @Nullable String artifactsAssertion, @Nullable String policyAssertion,
            String endpoint, ObjectNode request, long requestBytes) {
        if (artifactsAssertion == null || caller.session() == null) {
            return TurnTranscript.NONE;
        }
        String startedAt = clock.instant().toString();
        return new TurnTranscript(properties.maxAnswerSize().toBytes(), answer -> enqueue(new Pending(caller,
                artifactsAssertion, policyAssertion, endpoint, request, answer, startedAt,
                requestBytes + answer.size())));
    }

    private void enqueue(Pending pending) {
        if (artifacts == null) {
            if (warnedUnconfigured.compareAndSet(false, true)) {
                log.warn("A recorded session's turn was served, but warmpath.cell.transcripts.artifacts-url is not "
                        + "set: its transcript is not stored (counted as not_configured)");
            }
            count("not_configured");
            return;
        }
        if (queuedBytes.addAndGet(pending.size()) > properties.maxQueuedSize().toBytes() || !queue.offer(pending)) {
            queuedBytes.addAndGet(-pending.size());
            count("dropped");
            return;
        }
        drain();
    }

    /** Starts stores while there are free writers and waiting transcripts; each finished store drains again. */
    private void drain() {
        while (!queue.isEmpty() && writers.tryAcquire()) {
            Pending next = queue.poll();
            if (next == null) {
                writers.release();
                return;
            }
            queuedBytes.addAndGet(-next.size());
            store(next).doFinally(signal -> {
                writers.release();
                drain();
            }).subscribe();
        }
    }

    private Mono<Void> store(Pending pending) {
        WebClient client = artifacts;
        String idempotencyKey = "transcript-" + UUID.randomUUID();
        // Redacting a long conversation is CPU work: off the event loop.
        return Mono.fromCallable(() -> json.writeValueAsBytes(document(pending)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(body -> client.put()
                        .uri(uri -> uri.path("/v1/artifacts")
                                .queryParam("name", "turn-" + pending.startedAt().replace(":", "") + ".json")
                                .queryParam("session_id", pending.caller().session())
                                .queryParam("data_class", pending.caller().dataClass().wireName())
                                .queryParam("label", "kind=transcript")
                                .queryParam("label", "cell=" + cellId)
                                .build())
                        .headers(headers -> {
                            headers.setBearerAuth(pending.artifactsAssertion());
                            headers.set(WarmpathHeaders.IDEMPOTENCY_KEY, idempotencyKey);
                            if (pending.policyAssertion() != null) {
                                headers.set(WarmpathHeaders.POLICY_ASSERTION, pending.policyAssertion());
                            }
                        })
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .retrieve()
                        .toBodilessEntity()
                        .timeout(properties.timeout())
                        .retryWhen(Retry.backoff(RETRIES, BACKOFF).filter(Transcripts::worthRetrying)))
                .doOnSuccess(stored -> count("stored"))
                .then()
                .onErrorResume(failure -> {
                    Throwable cause = failure.getCause() != null && reactor.core.Exceptions.isRetryExhausted(failure)
                            ? failure.getCause() : failure;
                    boolean refused = cause instanceof WebClientResponseException answered
                            && answered.getStatusCode().is4xxClientError();
                    count(refused ? "refused" : "failed");
                    log.warn("The transcript of a turn of session {} was not stored: {}", pending.caller().session(),
                            cause instanceof WebClientResponseException answered
                                    ? "status " + answered.getStatusCode().value()
                                    : cause.getClass().getSimpleName());
                    return Mono.empty();
                });
    }

    /** The stored document: what was asked and answered, redacted for the session's class. */
    private ObjectNode document(Pending pending) {
        TranscriptProperties.Redaction redaction = properties.redactionOf(pending.caller().dataClass());
        ObjectNode document = json.createObjectNode();
        document.put("object", "warmpath.transcript.turn");
        document.put("session", pending.caller().session());
        document.put("at", pending.startedAt());
        document.put("cell", cellId);
        document.put("endpoint", pending.endpoint());
        document.put("data_class", pending.caller().dataClass().wireName());
        document.put("redaction", redaction.name().toLowerCase(java.util.Locale.ROOT));
        document.put("truncated", pending.answer().truncated());
        document.set("request", redacted(pending.request(), redaction.redactor()));
        document.set("response", redacted(pending.answer().response(), redaction.redactor()));
        return document;
    }

    /** A copy of {@code node} with every string value redacted; member names and other values are kept. */
    static JsonNode redacted(JsonNode node, Redactor redactor) {
        if (node.isString()) {
            String text = node.stringValue();
            String clean = redactor.redact(text);
            return clean.equals(text) ? node : StringNode.valueOf(clean);
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            for (Map.Entry<String, JsonNode> member : object.properties()) {
                copy.set(member.getKey(), redacted(member.getValue(), redactor));
            }
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(element -> copy.add(redacted(element, redactor)));
            return copy;
        }
        return node;
    }

    private static boolean worthRetrying(Throwable failure) {
        // A 4xx will not change on a retry; a 5xx, a timeout or a broken connection might.
        return !(failure instanceof WebClientResponseException answered) || answered.getStatusCode().is5xxServerError();
    }

    private void count(String outcome) {
        Counter.builder(TRANSCRIPTS)
                .description("Transcripts of recorded sessions' turns, by what became of them")
                .tag("outcome", outcome)
                .register(meters)
                .increment();
    }

    private record Pending(Assertion caller, String artifactsAssertion, @Nullable String policyAssertion,
            String endpoint, ObjectNode request, TurnTranscript.Answer answer, String startedAt, long size) {
    }
}
