package io.warmpath.gateway.tools;

import java.net.ConnectException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import io.warmpath.gateway.security.Caller;
import io.warmpath.gateway.security.Tenants;
import io.warmpath.gateway.web.CachedBodies;
import io.warmpath.gateway.tools.ToolClient.ResponseTooLargeException;
import io.warmpath.gateway.tools.ToolClient.ToolReply;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/tools/{name}/invoke}: the scope was checked by the security chain; this checks, in order, that the
 * tool exists (404), the body ({@code {"input": {...}, "data_class": "internal"}}, 400), the data class against the
 * tool's ceiling (403; the class is the caller's session's, or its tenant's default, never weaker than that whatever
 * the body declares: see {@link CallData}), the input against the tool's schema (400), the policy decision (403), the
 * egress guard
 * (403), and then calls the tool within its time (504) and response size (502) limits. The answer is
 * {@code {"tool", "status", "output"}} with the tool's status and body (JSON when it sent JSON, else text).
 */
final class ToolInvocationHandler {

    private static final Logger log = LoggerFactory.getLogger(ToolInvocationHandler.class);

    private static final Set<String> BODY_FIELDS = Set.of("input", "data_class");

    private final ToolRegistry registry;
    private final ToolPolicy policy;
    private final EgressGuard guard;
    private final ToolClient client;
    private final CallData callData;
    private final JsonMapper json;
    private final MeterRegistry meters;

    ToolInvocationHandler(ToolRegistry registry, ToolPolicy policy, EgressGuard guard, ToolClient client,
            CallData callData, JsonMapper json, MeterRegistry meters) {
        this.callData = callData;
        this.registry = registry;
        this.policy = policy;
        this.guard = guard;
        this.client = client;
        this.json = json;
        this.meters = meters;
    }

    Mono<ServerResponse> invoke(ServerRequest request) {
        String name = request.pathVariable("name");
        Tool tool = registry.find(name).orElse(null);
        if (tool == null) {
            calls("unregistered", "not_found").increment();
            return Mono.error(new ApiErrorException(ErrorCode.TOOL_NOT_FOUND,
                    "No tool is registered under that name."));
        }
        Mono<Caller> caller = Tenants.callerOf(request.exchange());
        Mono<byte[]> body = CachedBodies.read(request.exchange().getRequest());
        return Mono.zip(caller, body)
                .flatMap(both -> callData.scopeOf(request.exchange(), both.getT1())
                        .flatMap(scope -> {
                            if (scope.trimmedTools().contains(tool.name()) && !trimmingOff(request)) {
                                return Mono.error(trimmed(tool));
                            }
                            return call(tool, both.getT1(), readCall(tool, both.getT2(), scope.dataClass()));
                        }))
                .doOnError(failure -> outcome(tool, failure))
                .doOnSuccess(response -> calls(tool.name(), "completed").increment());
    }

    /**
     * The model called a tool its session's turns leave out (it saw the tool in the history): an error the agent can
     * act on, naming the way back.
     */
    private static ApiErrorException trimmed(Tool tool) {
        return new ApiErrorException(ApiError.of(ErrorCode.TOOL_TRIMMED, "The tool " + tool.name() + " is trimmed "
                + "from this session's tool set: its workflow has not called it lately, so the session's turns do "
                + "not offer it. It returns at the session's next checkpoint; until then, answer the call without it, "
                + "or send the chat request and this call with " + WarmpathHeaders.TOOL_TRIMMING + ": "
                + WarmpathHeaders.TOOL_TRIMMING_OFF + "."));
    }

    /** The agent offered the model its whole tool set on this turn ({@code x-tool-trimming: off}), as advised. */
    private static boolean trimmingOff(ServerRequest request) {
        String value = request.headers().firstHeader(WarmpathHeaders.TOOL_TRIMMING);
        return value != null && WarmpathHeaders.TOOL_TRIMMING_OFF.equalsIgnoreCase(value.strip());
    }

    private Mono<ServerResponse> call(Tool tool, Caller caller, CallBody call) {
        byte @Nullable [] payload = tool.sendsBody() ? json.writeValueAsBytes(call.input()) : null;
        String query = tool.sendsBody() ? "" : query(call.input());
        Mono<ToolReply> send = Mono.fromCallable(() -> guard.admit(tool.url()))
                .subscribeOn(Schedulers.boundedElastic()) // resolution blocks
                .flatMap(target -> client.send(target, tool.method().name(), withQuery(target.pathAndQuery(), query),
                        payload, headers(caller, tool, payload != null), tool.maxResponseBytes()))
                .timeout(tool.timeout());
        return policy.decide(caller, tool, call.dataClass())
                // Only an explicit allow proceeds; no answer at all is a deny too.
                .defaultIfEmpty(ToolPolicy.Verdict.deny("the policy check gave no answer"))
                .flatMap(verdict -> verdict.allowed() ? send : Mono.error(new ApiErrorException(
                        ErrorCode.TOOL_NOT_ALLOWED, "Policy denies this tool call: " + verdict.reason())))
                .onErrorMap(failure -> !(failure instanceof ApiErrorException), failure -> toApiError(tool, failure))
                .flatMap(reply -> ServerResponse.ok()
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(json.writeValueAsBytes(envelope(tool, reply))));
    }

    /**
     * The parsed body; 400 for anything but an object with an {@code input} object and an optional data class. The
     * call's class is {@code dataClass} (the caller's data), or the body's when that is stricter.
     */
    private CallBody readCall(Tool tool, byte[] bytes, DataClass callerData) {
        JsonNode root;
        try {
            root = json.readTree(bytes);
        } catch (JacksonException e) {
            throw new ApiErrorException(ErrorCode.INVALID_JSON, "The request body is not valid JSON.");
        }
        if (root == null || !root.isObject() || !root.path("input").isObject()
                || !BODY_FIELDS.containsAll(root.propertyNames())) {
            throw new ApiErrorException(ErrorCode.INVALID_REQUEST_BODY,
                    "The body must be {\"input\": {...}} with an optional \"data_class\".");
        }
        JsonNode declared = root.path("data_class");
        DataClass dataClass = declared.isMissingNode() ? callerData : DataClass.parse(declared.asString(""))
                .filter(parsed -> parsed.wireName().equals(declared.asString("")))
                .map(callerData::stricter)
                .orElseThrow(() -> new ApiErrorException(ErrorCode.INVALID_DATA_CLASS,
                        "data_class must be public, internal, confidential or regulated."));
        if (!dataClass.atMost(tool.maxDataClass())) {
            throw new ApiErrorException(ErrorCode.DATA_CLASS_NOT_ALLOWED, "The tool may receive "
                    + tool.maxDataClass().wireName() + " data at most, not " + dataClass.wireName() + ".");
        }
        ObjectNode input = (ObjectNode) root.get("input");
        List<String> violations = tool.inputSchema().violations(input);
        if (!violations.isEmpty()) {
            throw new ApiErrorException(ErrorCode.INVALID_TOOL_INPUT,
                    "The input does not match the tool's schema: " + String.join("; ", violations));
        }
        if (!tool.sendsBody() && input.values().stream().anyMatch(JsonNode::isContainer)) {
            throw new ApiErrorException(ErrorCode.INVALID_TOOL_INPUT,
                    "A GET tool takes only string, number and boolean input properties.");
        }
        return new CallBody(input, dataClass);
    }

    /** The input's properties as a query string ({@code a=1&b=x}), null values left out. */
    private static String query(ObjectNode input) {
        StringBuilder query = new StringBuilder();
        input.properties().forEach(property -> {
            if (property.getValue().isNull()) {
                return;
            }
            query.append(query.isEmpty() ? "" : "&")
                    .append(URLEncoder.encode(property.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(property.getValue().asString(), StandardCharsets.UTF_8));
        });
        return query.toString();
    }

    /** The tool URL's path and query with the input's query appended (the URL may have a query of its own). */
    private static String withQuery(String pathAndQuery, String query) {
        if (query.isEmpty()) {
            return pathAndQuery;
        }
        return pathAndQuery + (pathAndQuery.contains("?") ? "&" : "?") + query;
    }

    /** What the tool is sent besides the input: who calls only when its configuration asks for that. */
    private static Map<String, String> headers(Caller caller, Tool tool, boolean hasBody) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("accept", "application/json, text/plain;q=0.9, */*;q=0.1");
        headers.put("user-agent", "warmpath-gateway");
        if (tool.forwardCaller()) {
            headers.put(WarmpathHeaders.TENANT, caller.tenant());
            if (caller.subject() != null && !caller.subject().isEmpty()) {
                headers.put(WarmpathHeaders.SUBJECT, caller.subject());
            }
        }
        if (hasBody) {
            headers.put("content-type", "application/json");
        }
        return headers;
    }

    private Map<String, Object> envelope(Tool tool, ToolReply reply) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("tool", tool.name());
        envelope.put("status", reply.status());
        envelope.put("output", output(reply));
        return envelope;
    }

    /** JSON when the tool said it sent JSON and it parses; otherwise the body as text; {@code null} when empty. */
    private @Nullable Object output(ToolReply reply) {
        if (reply.body().length == 0) {
            return null;
        }
        MediaType type = reply.contentType() == null ? null : parseMediaType(reply.contentType());
        if (type != null && (type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.getSubtype().endsWith("+json"))) {
            try {
                return json.readTree(reply.body());
            } catch (JacksonException e) {
                // fall through: say what it sent, as text
            }
        }
        return new String(reply.body(), StandardCharsets.UTF_8);
    }

    private static @Nullable MediaType parseMediaType(String value) {
        try {
            return MediaType.parseMediaType(value);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private ApiErrorException toApiError(Tool tool, Throwable failure) {
        if (failure instanceof EgressRefusedException refused) {
            Counter.builder("warmpath.gateway.egress.refusals")
                    .description("Calls the egress guard refused, by reason")
                    .tag("reason", refused.reason().name().toLowerCase(Locale.ROOT))
                    .register(meters)
                    .increment();
        }
        return new ApiErrorException(switch (failure) {
            case EgressRefusedException refused when refused.reason() == EgressRefusedException.Reason.UNRESOLVABLE ->
                    ApiError.of(ErrorCode.TOOL_UNREACHABLE, refused.getMessage());
            case EgressRefusedException refused -> ApiError.of(ErrorCode.EGRESS_REFUSED,
                    "The egress guard refused the tool's URL: " + refused.getMessage());
            case TimeoutException timeout -> ApiError.of(ErrorCode.TOOL_TIMEOUT,
                    "The tool did not answer within " + tool.timeout().toMillis() + " ms.");
            case ResponseTooLargeException tooLarge -> ApiError.of(ErrorCode.TOOL_RESPONSE_TOO_LARGE,
                    tooLarge.getMessage());
            default -> {
                if (!causedBy(failure, ConnectException.class)) {
                    log.warn("Tool call to '{}' failed: {}", tool.name(), failure.getClass().getSimpleName());
                }
                yield ApiError.of(ErrorCode.TOOL_UNREACHABLE, "The tool could not be reached.");
            }
        });
    }

    private void outcome(Tool tool, Throwable failure) {
        if (!(failure instanceof ApiErrorException apiError)) {
            return;
        }
        String outcome = switch (apiError.error().code()) {
            case TOOL_NOT_ALLOWED, DATA_CLASS_NOT_ALLOWED -> "denied";
            case EGRESS_REFUSED -> "egress_refused";
            case TOOL_TIMEOUT -> "timeout";
            case TOOL_RESPONSE_TOO_LARGE -> "too_large";
            case TOOL_UNREACHABLE -> "unreachable";
            default -> "invalid_request";
        };
        if (outcome.equals("egress_refused") || outcome.equals("denied")) {
            log.info("Tool call to '{}' refused: {}", tool.name(), apiError.error().code());
        }
        calls(tool.name(), outcome).increment();
    }

    private Counter calls(String tool, String outcome) {
        return Counter.builder("warmpath.gateway.tools.calls")
                .description("Tool calls by tool (registered names only) and outcome")
                .tags("tool", tool, "outcome", outcome)
                .register(meters);
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** A parsed call: the input object and the class of the data in it. */
    private record CallBody(ObjectNode input, DataClass dataClass) {
    }
}
