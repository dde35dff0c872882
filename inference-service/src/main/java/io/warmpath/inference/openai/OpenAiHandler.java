package io.warmpath.inference.openai;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.warmpath.assertion.AssertionAuthentication;
import io.warmpath.contracts.UsageReport;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorBody;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.contracts.sessions.ModelRoute;
import io.warmpath.contracts.sessions.PrefixBreak;
import io.warmpath.inference.CellProperties;
import io.warmpath.inference.cell.InFlightRequests;
import io.warmpath.inference.context.CheckpointTurn;
import io.warmpath.inference.context.SessionCheckpoints;
import io.warmpath.inference.engine.EngineMonitor;
import io.warmpath.inference.lanes.Lane;
import io.warmpath.inference.lanes.LaneRefusedException;
import io.warmpath.inference.lanes.Lanes;
import io.warmpath.inference.lanes.Ticket;
import io.warmpath.inference.openai.CompletionRequest.Endpoint;
import io.warmpath.inference.policy.InvalidClaimsException;
import io.warmpath.inference.policy.PolicyUnavailableException;
import io.warmpath.inference.policy.RegionCheck;
import io.warmpath.inference.policy.RegionNotAllowedException;
import io.warmpath.inference.prefix.PrefixWatch;
import io.warmpath.inference.session.ReservationRefusedException;
import io.warmpath.inference.session.SessionBudgetClient;
import io.warmpath.inference.session.SessionServiceUnavailableException;
import io.warmpath.inference.session.TurnLedger;
import io.warmpath.inference.tools.ToolSets;
import io.warmpath.inference.tools.TurnTools;
import io.warmpath.inference.transcripts.Transcripts;
import io.warmpath.inference.transcripts.TurnTranscript;
import io.warmpath.redaction.Redactor;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientException;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClientRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAI-compatible API of the cell: validates, forwards to the engine, relays the answer and records usage.
 * An engine that cannot be reached (or that the {@link EngineMonitor} already sees as down) is a 503 with
 * {@code Retry-After} and the {@link WarmpathHeaders#UNAVAILABLE} marker; no answer in time is a 504; an engine 5xx
 * or an unreadable answer is a 502; the engine's own 4xx pass through in the OpenAI envelope; anything else is the
 * cell's own 500. Only the marked 503 tells the gateway that this cell cannot serve at all.
 *
 * <p>Who a request acts for comes only from its verified internal assertion (see {@code SecurityConfiguration}). A
 * turn of a session (the assertion names one) first reserves its budget at session-service, with the assertion the
 * gateway sent for that, and settles it afterwards; a refusal is the client's 400/429, and a budget that cannot be
 * checked is a 503 (fail closed). A session the assertion says has no limits reserves nothing and has its turn
 * recorded afterwards. Before either, {@link RegionCheck} asks policy-service whether this cell's region may process
 * the request's data: a deny is a 403 {@code region_not_allowed}, no decision a 503 {@code policy_unavailable} (fail
 * closed). Every request reaches the engine with the {@code cache_salt} of its tenant ({@link CacheSalts}), so that
 * tenants share no cached prefixes, and within the request's overall time limit.
 */
@Component
class OpenAiHandler {

    private static final Logger log = LoggerFactory.getLogger(OpenAiHandler.class);

    /** Request headers worth carrying to the engine; everything else (notably Authorization) stays at the cell. */
    private static final Set<String> FORWARDED_HEADERS = Set.of(WarmpathHeaders.REQUEST_ID, "traceparent", "tracestate");

    private static final String EMBEDDINGS = "/v1/embeddings";

    private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE =
            new ParameterizedTypeReference<>() {
            };

    private final WebClient engine;
    private final EngineMonitor engineMonitor;
    private final InferenceMetrics metrics;
    private final InFlightRequests inFlight;
    private final JsonMapper json;
    private final StreamRelay relay;
    private final PromptTokenCounter tokenCounter;
    private final PrefixWatch prefixWatch;
    private final ToolSets toolSets;
    private final SessionCheckpoints checkpoints;
    private final SessionBudgetClient sessions;
    private final TurnLedger ledger;
    private final RegionCheck regionCheck;
    private final CacheSalts cacheSalts;
    private final Transcripts transcripts;
    private final Lanes lanes;
    private final String cellId;
    private final int defaultMaxTokens;
    private final int maxBodyBytes;
    private final String retryAfterSeconds;
    private final Duration responseTimeout;
    private final Duration unaryResponseTimeout;
    private final Duration requestTimeout;

    OpenAiHandler(WebClient engineWebClient, EngineMonitor engineMonitor, InferenceMetrics metrics,
            InFlightRequests inFlight, JsonMapper json, PromptTokenCounter tokenCounter, SessionBudgetClient sessions,
            TurnLedger ledger, RegionCheck regionCheck, CacheSalts cacheSalts, Transcripts transcripts,
            PrefixWatch prefixWatch, ToolSets toolSets, SessionCheckpoints checkpoints, Lanes lanes, CellProperties cell) {
        this.lanes = lanes;
        this.prefixWatch = prefixWatch;
        this.checkpoints = checkpoints;
        this.toolSets = toolSets;
        this.engine = engineWebClient;
        this.engineMonitor = engineMonitor;
        this.metrics = metrics;
        this.inFlight = inFlight;
        this.json = json;
        this.relay = new StreamRelay(json);
        this.tokenCounter = tokenCounter;
        this.sessions = sessions;
        this.ledger = ledger;
        this.regionCheck = regionCheck;
        this.cacheSalts = cacheSalts;
        this.transcripts = transcripts;
        this.cellId = cell.id();
        this.defaultMaxTokens = cell.defaultMaxTokens();
        this.maxBodyBytes = Math.toIntExact(cell.maxBodySize().toBytes());
        this.retryAfterSeconds = Long.toString(Math.max(1, ceilSeconds(cell.retryAfter())));
        this.responseTimeout = cell.timeouts().response();
        this.unaryResponseTimeout = cell.timeouts().unaryResponse();
        this.requestTimeout = cell.timeouts().request();
    }

    Mono<ServerResponse> chatCompletions(ServerRequest request) {
        return complete(Endpoint.CHAT, request);
    }

    Mono<ServerResponse> completions(ServerRequest request) {
        return complete(Endpoint.COMPLETIONS, request);
    }

    /**
     * {@code POST /v1/embeddings}: checked for region like a completion, then passed to the engine as sent (no
     * {@code cache_salt}: a pooling request reuses no cached prefix) and its answer relayed. Embeddings belong to no
     * session's budget; their tokens are counted in the cell's metrics.
     */
    Mono<ServerResponse> embeddings(ServerRequest request) {
        RequestDeadline deadline = RequestDeadline.of(request, requestTimeout);
        return handledAsApi(callerOf(request).flatMap(caller -> readBody(request)
                .flatMap(body -> forwardEmbeddings(body, embeddingModel(body), request, caller, deadline))),
                EMBEDDINGS);
    }

    private Mono<ServerResponse> forwardEmbeddings(byte[] body, @Nullable String model, ServerRequest request,
            Caller caller, RequestDeadline deadline) {
        inFlight.enter();
        RequestObservation observation = metrics.start(modelTag(model), false, finished -> inFlight.leave());
        return regionCheck.admit(caller.assertion(), caller.policyAssertion())
                .then(Mono.defer(() -> {
                    observation.engineCalled();
                    Duration remaining = deadline.remaining();
                    Duration silence = min(unaryResponseTimeout, remaining);
                    return engine.post().uri(EMBEDDINGS)
                            .headers(headers -> forwardHeaders(request, headers, deadline))
                            .httpRequest(httpRequest -> httpRequest.<HttpClientRequest>getNativeRequest()
                                    .responseTimeout(silence))
                            .contentType(MediaType.APPLICATION_JSON)
                            .bodyValue(body)
                            .retrieve()
                            .toEntity(byte[].class)
                            .timeout(remaining)
                            .flatMap(entity -> unary(entity, observation, answer -> { }));
                }))
                .onErrorResume(failure -> {
                    observation.finish(outcomeOf(failure));
                    return failureResponse(failure, EMBEDDINGS, deadline);
                })
                .doOnCancel(() -> observation.finish(Outcome.CANCELLED));
    }

    /** The model an embeddings request names, for metrics; the engine judges the rest of the request. */
    private @Nullable String embeddingModel(byte[] body) {
        JsonNode tree;
        try {
            tree = json.readTree(body);
        }
        catch (JacksonException notJson) {
            throw new ApiErrorException(ApiError.of(ErrorCode.INVALID_JSON, "The request body is not valid JSON."));
        }
        if (!tree.isObject()) {
            throw new ApiErrorException(ApiError.of(ErrorCode.INVALID_REQUEST_BODY,
                    "The request body must be a JSON object."));
        }
        return tree.path("model").isString() ? tree.path("model").stringValue() : null;
    }

    Mono<ServerResponse> models(ServerRequest request) {
        return engine.get().uri("/v1/models")
                .headers(headers -> forwardHeaders(request, headers, null))
                .retrieve()
                .toEntity(byte[].class)
                .flatMap(this::relayJson)
                .onErrorResume(failure -> failureResponse(failure, "/v1/models", null));
    }

    private Mono<ServerResponse> complete(Endpoint endpoint, ServerRequest request) {
        // The request's time limit runs from here: counting and reserving spend it too.
        RequestDeadline deadline = RequestDeadline.of(request, requestTimeout);
        if (deadline.passed()) {
            // Nothing can be served in no time: answered at once, before anything is read, counted or reserved.
            metrics.rejected("unknown", false);
            return error(ApiError.of(ErrorCode.DEADLINE_EXCEEDED,
                    "The request's x-request-timeout-ms had run out before the cell could start on it."));
        }
        return handledAsApi(callerOf(request).flatMap(caller -> readBody(request)
                .map(body -> CompletionRequest.parse(endpoint, body, json, engineMonitor::contextLength))
                .flatMap(completion -> turnTools(completion, request, caller)
                        .flatMap(tools -> checkpointOf(completion, tools, caller)
                                .flatMap(checkpoint -> forward(completion, tools, checkpoint, request, caller,
                                        deadline))))),
                endpoint.path());
    }

    /** A chat turn's body as its session's checkpoint shortens it; any other request's as it came. */
    private Mono<CheckpointTurn> checkpointOf(CompletionRequest completion, TurnTools tools, Caller caller) {
        return completion.endpoint() != Endpoint.CHAT ? Mono.just(CheckpointTurn.none(tools.body()))
                : checkpoints.forTurn(caller.assertion(), caller.sessionsAssertion(), caller.checkpointsAssertion(),
                        caller.policyAssertion(), tools.body());
    }

    /** A chat turn's tools as its session's tool set trims them; any other request's body as it came. */
    private Mono<TurnTools> turnTools(CompletionRequest completion, ServerRequest request, Caller caller) {
        if (completion.endpoint() != Endpoint.CHAT) {
            return Mono.just(TurnTools.untrimmed(completion.body()));
        }
        boolean optedOut = header(request, WarmpathHeaders.TOOL_TRIMMING)
                .filter(value -> WarmpathHeaders.TOOL_TRIMMING_OFF.equalsIgnoreCase(value.strip()))
                .isPresent();
        Assertion assertion = caller.assertion();
        return toolSets.forTurn(String.valueOf(assertion.tenant()), assertion.session(), caller.sessionsAssertion(),
                completion.body(), optedOut);
    }

    /** A request's invalid input as the client's 400 or 413, and any other failure left over as the cell's own 500. */
    private Mono<ServerResponse> handledAsApi(Mono<ServerResponse> handled, String path) {
        return handled
                .onErrorResume(ApiErrorException.class, invalid -> {
                    metrics.rejected("unknown", false);
                    return error(invalid.error());
                })
                .onErrorResume(DataBufferLimitException.class, tooLarge -> {
                    metrics.rejected("unknown", false);
                    return error(ApiError.of(ErrorCode.REQUEST_TOO_LARGE,
                            "Request body exceeds " + maxBodyBytes + " bytes"));
                })
                // Only a failure of the cell itself gets here (forward renders everything after validation).
                .onErrorResume(failure -> internalError(failure, path));
    }

    /** The verified caller; the security filter lets no request without one reach the handler. */
    private static Mono<Caller> callerOf(ServerRequest request) {
        return request.principal()
                .ofType(AssertionAuthentication.class)
                .map(authentication -> new Caller(authentication.assertion(),
                        header(request, WarmpathHeaders.SESSIONS_ASSERTION).orElse(null),
                        header(request, WarmpathHeaders.POLICY_ASSERTION).orElse(null),
                        header(request, WarmpathHeaders.ARTIFACTS_ASSERTION).orElse(null),
                        header(request, WarmpathHeaders.CHECKPOINTS_ASSERTION).orElse(null)))
                .switchIfEmpty(Mono.error(() -> new IllegalStateException("a request reached the handler "
                        + "without an assertion")));
    }

    private Mono<ServerResponse> forward(CompletionRequest received, TurnTools tools, CheckpointTurn checkpoint,
            ServerRequest request, Caller caller, RequestDeadline deadline) {
        Assertion assertion = caller.assertion();
        CompletionRequest completion = received.endpoint() == Endpoint.CHAT
                ? received.withBody(prefixWatch.stableTools(String.valueOf(assertion.tenant()), assertion.session(),
                        checkpoint.body()))
                : received;
        if (checkpoint.headerValue() != null) {
            request.exchange().getResponse().getHeaders().set(WarmpathHeaders.CHECKPOINT, checkpoint.headerValue());
        }
        if (tools.trimmedTools() > 0) {
            request.exchange().getResponse().getHeaders().set(WarmpathHeaders.TOOLS_TRIMMED,
                    Integer.toString(tools.trimmedTools()));
        }
        // A session's turn may generate exactly what it reserved, whatever the engine's own default.
        Integer completionLimit = assertion.session() != null ? completion.completionLimit(defaultMaxTokens) : null;
        // n (or best_of) sequences of each prompt of a batch, each up to the limit; checked before anything starts.
        long reservedCompletionTokens = completionLimit != null && assertion.sessionLimited()
                ? completion.reservedCompletionTokens(completionLimit)
                : 0;
        OptionalLong predictedCached = predictedCachedTokens(request);
        byte[] unprioritised = completion.engineBody(cacheSalts.saltFor(assertion), completionLimit, null, json);
        // What the engine will prefill: the prompt (a quarter of its bytes, as the gateway estimates) less what the
        // gateway expects the engine to have cached.
        Lane.Kind lane = lanes.laneFor(Math.max(0, unprioritised.length / 4 - predictedCached.orElse(0)));
        byte[] engineBody = lanes.enginePriority()
                ? completion.engineBody(cacheSalts.saltFor(assertion), completionLimit,
                        lane == Lane.Kind.PREFILL ? 1 : 0, json)
                : unprioritised;
        PrefixWatch.Observed prefix = assertion.session() != null && completion.endpoint() == Endpoint.CHAT
                ? prefixWatch.observe(String.valueOf(assertion.tenant()), assertion.session(), completion.body())
                : PrefixWatch.Observed.NONE;
        PrefixBreak prefixBreak = prefix.prefixBreak();
        if (prefixBreak != null) {
            // On the response whatever it turns out to be: the developer sees the break on the turn that caused it.
            request.exchange().getResponse().getHeaders().set(WarmpathHeaders.PREFIX_BREAK, prefixBreak.headerValue());
        }
        String modelTag = modelTag(completion.model());
        Optional<TurnBudget> turn = Optional.ofNullable(assertion.session()).map(sessionId -> new TurnBudget(
                sessions, ledger, sessionId, String.valueOf(assertion.tenant()), caller.sessionsAssertion(),
                servedModel(completion.model()), cellId, assertion.sessionLimited(),
                tokenCounter.count(completion, headers -> forwardHeaders(request, headers, deadline)), prefixBreak, tools,
                checkpoint.use(), ModelRoute.parse(header(request, WarmpathHeaders.MODEL_ROUTE).orElse(null))
                        .orElse(null)));
        TurnTranscript transcript = transcripts.begin(assertion, caller.artifactsAssertion(), caller.policyAssertion(),
                completion.endpoint().path(), completion.body(), engineBody.length);
        AtomicReference<Ticket> place = new AtomicReference<>(Ticket.UNLIMITED);
        inFlight.enter();
        RequestObservation observation = metrics.start(modelTag, completion.stream(), finished -> {
            inFlight.leave();
            place.get().release();
            transcript.finished(finished.outcome() == Outcome.OK);
            if (finished.outcome() == Outcome.OK) {
                prefix.remember().run();
            }
            finished.usage().ifPresent(usage -> predictedCached.ifPresent(predicted ->
                    metrics.cachedTokens(modelTag, predicted, usage.cached())));
            turn.ifPresent(sessionTurn -> sessionTurn.finished(finished));
        });
        if (lane == Lane.Kind.PREFILL) {
            // Its prefill is done once its first token is out: the next long prompt may start while it decodes.
            observation.whenFirstToken(() -> place.get().release());
        }
        // A place in its lane first (work that cannot start in time is refused before anything is spent on it); then
        // the region (nothing is reserved for a request this cell may not serve); then a session's turn runs only on
        // a reserved budget; anonymous requests go straight to the engine.
        Mono<Void> admission = lanes.admit(String.valueOf(assertion.tenant()), lane, deadline.atNanos())
                .doOnNext(ticket -> {
                    place.set(ticket);
                    // A client that left just as its place came has been finished already: the place goes back.
                    if (observation.finished()) {
                        ticket.release();
                    }
                })
                .then(regionCheck.admit(assertion, caller.policyAssertion()))
                .then(Mono.defer(() -> turn
                        .map(sessionTurn -> sessionTurn.reserve(reservedCompletionTokens))
                        .orElse(Mono.empty())));
        return admission
                .then(Mono.defer(() -> callEngine(completion, engineBody, request, observation, transcript,
                        tools, deadline)))
                .onErrorResume(failure -> {
                    observation.finish(outcomeOf(failure));
                    return failureResponse(failure, completion.endpoint().path(), deadline);
                })
                // The client left while the cell was reserving or the engine still thinking.
                .doOnCancel(() -> observation.finish(Outcome.CANCELLED));
    }

    private Mono<ServerResponse> callEngine(CompletionRequest completion, byte[] engineBody, ServerRequest request,
            RequestObservation observation, TurnTranscript transcript, TurnTools tools, RequestDeadline deadline) {
        log.debug("Forwarding {} stream={} bodyBytes={}", completion.endpoint().path(), completion.stream(),
                engineBody.length);
        observation.engineCalled();
        Duration remaining = deadline.remaining();
        // A whole answer arrives only when generation ends: silence is normal for much longer than between two
        // chunks of a stream, which keep the general response timeout. Neither may outlast the request's limit.
        Duration silence = min(completion.stream() ? responseTimeout : unaryResponseTimeout, remaining);
        WebClient.ResponseSpec response = engine.post().uri(completion.endpoint().path())
                .headers(headers -> forwardHeaders(request, headers, deadline))
                .httpRequest(httpRequest -> httpRequest.<HttpClientRequest>getNativeRequest().responseTimeout(silence))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(engineBody)
                .retrieve();
        return completion.stream()
                ? response.toEntityFlux(SSE).flatMap(entity -> stream(entity, completion, observation, chunk -> {
                    transcript.chunk(chunk);
                    tools.chunk(chunk);
                }, deadline))
                : response.toEntity(byte[].class).timeout(remaining)
                        .flatMap(entity -> unary(entity, observation, answer -> {
                            transcript.answer(answer, entity.getBody() == null ? 0 : entity.getBody().length);
                            tools.answer(answer);
                        }));
    }

    /** @param onAnswer receives the parsed answer (a recorded turn's transcript, the turn's tool calls) */
    private Mono<ServerResponse> unary(ResponseEntity<byte[]> entity, RequestObservation observation,
            Consumer<JsonNode> onAnswer) {
        byte[] body = entity.getBody() == null ? new byte[0] : entity.getBody();
        Optional<TokenUsage> usage = Optional.empty();
        try {
            JsonNode answer = json.readTree(body);
            usage = TokenUsage.from(answer.get("usage"));
            usage.ifPresent(observation::usage);
            onAnswer.accept(answer);
        }
        catch (JacksonException notJson) {
            log.warn("Engine answered a completion with a body that is not JSON ({} bytes)", body.length);
        }
        observation.finish(Outcome.OK);
        // For the gateway's token rate limits, which settle with what the turn used.
        return relayJson(entity, usage.map(used -> UsageReport.headerValue(used.total())).orElse(null));
    }

    private Mono<ServerResponse> stream(ResponseEntity<Flux<ServerSentEvent<String>>> entity,
            CompletionRequest completion, RequestObservation observation, Consumer<JsonNode> onChunk,
            RequestDeadline deadline) {
        Flux<ServerSentEvent<String>> events = entity.getBody() == null ? Flux.empty() : entity.getBody();
        Flux<String> frames = relay.relay(events.mapNotNull(ServerSentEvent::data), completion.clientWantsUsage(),
                observation, onChunk, deadline.remaining(), deadline.timeoutCode());
        return ServerResponse.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .body(flushEachFrame(frames));
    }

    /** Writes frames byte for byte (keeping vLLM's {@code data: } spacing) and flushes each one as it arrives. */
    private static BodyInserter<Flux<String>, ReactiveHttpOutputMessage> flushEachFrame(Flux<String> frames) {
        return (message, context) -> message.writeAndFlushWith(frames.map(frame -> Mono.just(
                message.bufferFactory().wrap(frame.getBytes(StandardCharsets.UTF_8)))));
    }

    private Mono<ServerResponse> relayJson(ResponseEntity<byte[]> entity) {
        return relayJson(entity, null);
    }

    private Mono<ServerResponse> relayJson(ResponseEntity<byte[]> entity, @Nullable String usageReport) {
        MediaType contentType = Optional.ofNullable(entity.getHeaders().getContentType())
                .orElse(MediaType.APPLICATION_JSON);
        ServerResponse.BodyBuilder response = ServerResponse.status(entity.getStatusCode()).contentType(contentType);
        if (usageReport != null) {
            response.header(WarmpathHeaders.USAGE, usageReport);
        }
        return response.bodyValue(entity.getBody() == null ? new byte[0] : entity.getBody());
    }

    /** @param deadline the request's, when it has one: a timeout at or past it is reported as its timeout */
    private Mono<ServerResponse> failureResponse(Throwable failure, String what, @Nullable RequestDeadline deadline) {
        if (failure instanceof ReservationRefusedException refused) {
            // Session-service's verdict (context limit or budget) reaches the client as it was given.
            return ServerResponse.status(refused.status()).contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(new ErrorBody(new ErrorBody.Detail(Redactor.standard().redact(refused.getMessage()),
                            refused.type(), null, refused.code())));
        }
        if (failure instanceof LaneRefusedException refused) {
            // Busy, not broken: the gateway may try another cell within the deadline, and keeps this one in routing.
            return ServerResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(refused.retryAfter().toSeconds()))
                    .header(WarmpathHeaders.UNAVAILABLE, WarmpathHeaders.UNAVAILABLE_BUSY)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(ApiError.of(ErrorCode.CELL_OVERLOADED, refused.full()
                            ? "This cell's " + refused.lane().tag() + " lane is full; retry after the time given."
                            : "This cell's " + refused.lane().tag() + " lane cannot start the request within its "
                                    + "x-request-timeout-ms.").body());
        }
        if (failure instanceof SessionServiceUnavailableException) {
            return unavailable(ApiError.of(ErrorCode.SESSION_SERVICE_UNAVAILABLE,
                    "The session's budget cannot be checked right now"));
        }
        if (failure instanceof RegionNotAllowedException denied) {
            return error(ApiError.of(ErrorCode.REGION_NOT_ALLOWED,
                    "This cell's region may not process this request's data: " + denied.getMessage()));
        }
        if (failure instanceof InvalidClaimsException) {
            return error(ApiError.of(ErrorCode.INVALID_TOKEN_CLAIMS,
                    "The caller's token has claims policy cannot work with (clearance or region)."));
        }
        if (failure instanceof PolicyUnavailableException) {
            return unavailable(ApiError.of(ErrorCode.POLICY_UNAVAILABLE, "Regional policy cannot be checked right now"));
        }
        if (failure instanceof WebClientResponseException answered && answered.getStatusCode().is4xxClientError()) {
            // The engine judged the request; its verdict goes back with its status, in the OpenAI envelope.
            return ServerResponse.status(answered.getStatusCode())
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(EngineErrors.envelope(answered.getResponseBodyAsByteArray(),
                            answered.getStatusCode().value(), json));
        }
        if (failure instanceof WebClientResponseException answered
                && answered.getStatusCode().value() == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            // The engine refused to start it (vLLM answers 503 while it cannot take requests): nothing was generated,
            // so the gateway may try another cell, and rests this one.
            log.warn("Engine refused {} with status 503", what);
            return unavailable(ApiError.of(ErrorCode.ENGINE_UNAVAILABLE, "The engine cannot take requests right now"));
        }
        if (failure instanceof WebClientResponseException answered) {
            // One request failed; the engine is still up (its monitor decides that), so the cell stays in routing.
            log.warn("Engine answered {} with status {}", what, answered.getStatusCode().value());
            return error(ApiError.of(ErrorCode.ENGINE_ERROR,
                    "The engine failed with status " + answered.getStatusCode().value()));
        }
        if (failure instanceof MalformedEngineAnswerException malformed) {
            log.warn("Engine answered {} with something unreadable: {}", what, malformed.getMessage());
            return error(ApiError.of(ErrorCode.ENGINE_ERROR, "The engine's answer could not be read"));
        }
        if (isConnectFailure(failure)) {
            log.warn("Engine unreachable for {}: {}", what, failure.getClass().getSimpleName());
            return unavailable(ApiError.of(ErrorCode.ENGINE_UNAVAILABLE, "The engine is unavailable"));
        }
        if (isTimeout(failure) && deadline != null && deadline.passed()
                && deadline.timeoutCode() == ErrorCode.DEADLINE_EXCEEDED) {
            // The client's own deadline: the engine's work was cancelled with the call, and nothing is wrong here.
            log.debug("Request deadline passed on {}", what);
            return error(ApiError.of(ErrorCode.DEADLINE_EXCEEDED,
                    "The request's x-request-timeout-ms ran out before the engine answered."));
        }
        if (isTimeout(failure)) {
            log.warn("Engine timed out on {}", what);
            return unavailable(ApiError.of(ErrorCode.ENGINE_TIMEOUT, "The engine did not answer in time"));
        }
        if (failure instanceof WebClientRequestException broken) {
            // Connected, then the exchange broke (connection closed early, reset): the engine is down only if its
            // monitor says so too; otherwise this one request failed.
            log.warn("Engine exchange for {} broke off: {}", what, broken.getMostSpecificCause().getClass().getSimpleName());
            return engineMonitor.engineReady()
                    ? error(ApiError.of(ErrorCode.ENGINE_ERROR, "The engine's answer broke off"))
                    : unavailable(ApiError.of(ErrorCode.ENGINE_UNAVAILABLE, "The engine is unavailable"));
        }
        return internalError(failure, what);
    }

    /** A bug in the cell: a 500 that names no engine trouble, logged by type and place (messages may quote prompts). */
    private Mono<ServerResponse> internalError(Throwable failure, String what) {
        StackTraceElement[] trace = failure.getStackTrace();
        log.error("Unexpected failure on {}: {} at {}", what, failure.getClass().getName(),
                trace.length > 0 ? trace[0] : "unknown");
        return error(ApiError.of(ErrorCode.INTERNAL_ERROR, "The inference cell failed unexpectedly"));
    }

    private Mono<ServerResponse> unavailable(ApiError error) {
        ServerResponse.BodyBuilder response = ServerResponse.status(error.status())
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
        if (error.code() == ErrorCode.ENGINE_UNAVAILABLE) {
            // Tells the gateway that this cell cannot serve anything now, so it may eject it; a 503 for any other
            // reason (session-service down, say) says nothing about the cell.
            response.header(WarmpathHeaders.UNAVAILABLE, WarmpathHeaders.UNAVAILABLE_ENGINE);
        }
        return response
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(redacted(error).body());
    }

    private static Mono<ServerResponse> error(ApiError error) {
        return ServerResponse.status(error.status()).contentType(MediaType.APPLICATION_JSON)
                .bodyValue(redacted(error).body());
    }

    /** Messages can quote what a client or session-service sent: redacted like a log line before they go out. */
    private static ApiError redacted(ApiError error) {
        return error.withMessage(Redactor.standard().redact(error.message()));
    }

    private Mono<byte[]> readBody(ServerRequest request) {
        return DataBufferUtils.join(request.body(BodyExtractors.toDataBuffers()), maxBodyBytes)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0]);
    }

    /** @param deadline the request's, when it has one: the engine gets what is left of it, not what the cell got */
    private static void forwardHeaders(ServerRequest request, HttpHeaders target, @Nullable RequestDeadline deadline) {
        request.headers().asHttpHeaders().forEach((name, values) -> {
            if (FORWARDED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                target.addAll(name, values);
            }
        });
        if (deadline != null) {
            target.set(WarmpathHeaders.REQUEST_TIMEOUT_MS, deadline.headerValue());
        }
    }

    /** Only model names the engine serves become tag values, so clients cannot inflate metric cardinality. */
    private String modelTag(String requested) {
        if (requested == null) {
            return "default";
        }
        List<String> served = engineMonitor.current().models();
        return served.contains(requested) ? requested : "other";
    }

    private static Outcome outcomeOf(Throwable failure) {
        if (failure instanceof ReservationRefusedException || failure instanceof RegionNotAllowedException
                || failure instanceof InvalidClaimsException) {
            return Outcome.CLIENT_ERROR;
        }
        if (failure instanceof PolicyUnavailableException) {
            return Outcome.POLICY_UNAVAILABLE;
        }
        if (failure instanceof SessionServiceUnavailableException) {
            return Outcome.SESSION_UNAVAILABLE;
        }
        if (failure instanceof LaneRefusedException) {
            return Outcome.OVERLOADED;
        }
        if (failure instanceof WebClientResponseException answered && answered.getStatusCode().is4xxClientError()) {
            return Outcome.CLIENT_ERROR;
        }
        boolean engineFailure = failure instanceof WebClientException || failure instanceof MalformedEngineAnswerException
                || isTimeout(failure);
        return engineFailure ? Outcome.ENGINE_ERROR : Outcome.INTERNAL_ERROR;
    }

    /** The model a reservation is priced at: the one asked for, else the engine's default (its first served). */
    private String servedModel(String requested) {
        if (requested != null) {
            return requested;
        }
        List<String> served = engineMonitor.current().models();
        return served.isEmpty() ? "default" : served.getFirst();
    }

    private static Optional<String> header(ServerRequest request, String name) {
        return Optional.ofNullable(request.headers().firstHeader(name)).filter(value -> !value.isBlank());
    }

    /** The gateway's expectation; a value that is not a count is ignored (the header is trusted, not validated). */
    private static OptionalLong predictedCachedTokens(ServerRequest request) {
        try {
            return header(request, WarmpathHeaders.PREDICTED_CACHED_TOKENS)
                    .map(value -> OptionalLong.of(Long.parseLong(value.strip())))
                    .filter(predicted -> predicted.getAsLong() >= 0)
                    .orElse(OptionalLong.empty());
        }
        catch (NumberFormatException notACount) {
            return OptionalLong.empty();
        }
    }

    /** The engine could not be connected to at all: nothing listens, no route, no such host, connect timeout. */
    private static boolean isConnectFailure(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof NoRouteToHostException
                    || cause instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof io.netty.handler.timeout.TimeoutException
                    || cause instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static long ceilSeconds(Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }
}
