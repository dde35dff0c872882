package io.warmpath.policy.decisions;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.policy.DecisionBatch;
import io.warmpath.contracts.policy.DecisionRequest;
import io.warmpath.contracts.policy.Principal;
import io.warmpath.contracts.policy.Resource;
import org.jspecify.annotations.Nullable;

/**
 * Checks a batch and turns it into {@link Question}s, or rejects it with a message naming the first wrong field
 * ({@code requests[2].resource.type ...}). Lengths are bounded so one request cannot make the engine or the audit log
 * do unbounded work.
 */
final class Questions {

    static final int MAX_BATCH = DecisionBatch.MAX_REQUESTS;
    private static final int MAX_ID = 256;
    private static final int MAX_RESOURCE_ID = 2048;
    private static final int MAX_ROLES = 64;
    private static final int MAX_CONTEXT_ENTRIES = 32;
    private static final int MAX_CONTEXT_STRING = 1024;
    private static final Pattern REGION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern CONTEXT_KEY = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
    /** Set by the service from the resource, so a caller cannot contradict it. */
    private static final Set<String> RESERVED_CONTEXT_KEYS = Set.of("data_class", "region");

    /** The clearance of a principal whose token states none. */
    static final DataClass DEFAULT_CLEARANCE = DataClass.INTERNAL;

    private Questions() {
    }

    static List<Question> from(@Nullable DecisionBatch batch) {
        if (batch == null || batch.requests() == null) {
            throw invalid("requests is required");
        }
        List<DecisionRequest> requests = batch.requests();
        if (requests.isEmpty() || requests.size() > MAX_BATCH) {
            throw invalid("requests must hold 1 to " + MAX_BATCH + " requests");
        }
        List<Question> questions = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            questions.add(question("requests[" + i + "]", requests.get(i)));
        }
        return questions;
    }

    private static Question question(String at, @Nullable DecisionRequest input) {
        if (input == null) {
            throw invalid(at + " must be an object");
        }
        Principal principal = input.principal();
        if (principal == null) {
            throw invalid(at + ".principal is required");
        }
        String principalId = text(at + ".principal.id", principal.id(), MAX_ID);
        String tenant = text(at + ".principal.tenant", principal.tenant(), MAX_ID);
        List<String> roles = roles(at + ".principal.roles", principal.roles());
        String homeRegion = region(at + ".principal.home_region", principal.homeRegion());
        String clearance = clearance(at + ".principal.clearance", principal.clearance());

        String actionName = text(at + ".action", input.action(), MAX_ID);
        Action action = Action.byId(actionName)
                .orElseThrow(() -> invalid(at + ".action must be one of " + Action.names()));

        Resource resource = input.resource();
        if (resource == null) {
            throw invalid(at + ".resource is required");
        }
        String typeName = text(at + ".resource.type", resource.type(), MAX_ID);
        ResourceType type = ResourceType.byEntityType(typeName)
                .orElseThrow(() -> invalid(at + ".resource.type must be one of " + ResourceType.names()));
        if (!action.appliesTo(type)) {
            throw invalid(at + ": action " + action.id() + " does not apply to a " + type.entityType());
        }
        String resourceId = text(at + ".resource.id", resource.id(), MAX_RESOURCE_ID);
        String region = region(at + ".resource.region", resource.region());
        String dataClass = dataClass(at + ".resource.data_class", resource.dataClass());
        Question.UrlParts url = type == ResourceType.URL ? url(at + ".resource.id", resourceId) : null;
        Map<String, Object> context = context(at + ".context", input.context());
        return new Question(principalId, tenant, roles, homeRegion, clearance, action, type, resourceId, region,
                dataClass, context, url);
    }

    private static String text(String field, @Nullable String value, int maxLength) {
        if (value == null || value.isBlank()) {
            throw invalid(field + " is required");
        }
        if (value.length() > maxLength) {
            throw invalid(field + " is longer than " + maxLength + " characters");
        }
        return value;
    }

    private static List<String> roles(String field, @Nullable List<@Nullable String> roles) {
        if (roles == null) {
            return List.of();
        }
        if (roles.size() > MAX_ROLES) {
            throw invalid(field + " holds more than " + MAX_ROLES + " roles");
        }
        List<String> checked = new ArrayList<>(roles.size());
        for (int i = 0; i < roles.size(); i++) {
            checked.add(text(field + "[" + i + "]", roles.get(i), MAX_ID));
        }
        return List.copyOf(checked);
    }

    private static @Nullable String region(String field, @Nullable String region) {
        if (region == null) {
            return null;
        }
        if (!REGION.matcher(region).matches()) {
            throw invalid(field + " must match [A-Za-z0-9._-]{1,64}");
        }
        return region;
    }

    /** The data's class; data that names none is the strictest class. */
    private static String dataClass(String field, @Nullable String value) {
        return value == null ? DataClass.STRICTEST.wireName() : known(field, value).wireName();
    }

    /** A principal without a clearance may touch internal data (the class of most data), no more. */
    private static String clearance(String field, @Nullable String value) {
        return value == null ? DEFAULT_CLEARANCE.wireName() : known(field, value).wireName();
    }

    private static DataClass known(String field, String value) {
        return DataClass.parse(value).filter(parsed -> parsed.wireName().equals(value)).orElseThrow(() -> invalid(
                field + " must be one of " + Arrays.stream(DataClass.values()).map(DataClass::wireName)
                        .collect(Collectors.joining(", "))));
    }

    /**
     * Refuses a batch that asks about another tenant than the caller's: a caller learns only its own tenant's
     * decisions.
     */
    static void requireTenant(List<Question> questions, @Nullable String callerTenant) {
        for (Question question : questions) {
            if (!question.tenant().equals(callerTenant)) {
                throw new ForeignTenantException();
            }
        }
    }

    private static Question.UrlParts url(String field, String id) {
        try {
            URI uri = new URI(id);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw invalid(field + " must be an absolute URL with a host");
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() >= 0 ? uri.getPort() : switch (scheme) {
                case "http" -> 80;
                case "https" -> 443;
                default -> throw invalid(field + " needs an explicit port for scheme " + scheme);
            };
            return new Question.UrlParts(scheme, uri.getHost().toLowerCase(Locale.ROOT), port);
        }
        catch (URISyntaxException malformed) {
            throw invalid(field + " is not a valid URL");
        }
    }

    private static Map<String, Object> context(String field, @Nullable Map<String, @Nullable Object> context) {
        if (context == null || context.isEmpty()) {
            return Map.of();
        }
        if (context.size() > MAX_CONTEXT_ENTRIES) {
            throw invalid(field + " holds more than " + MAX_CONTEXT_ENTRIES + " entries");
        }
        Map<String, Object> checked = new LinkedHashMap<>();
        context.forEach((key, value) -> {
            if (!CONTEXT_KEY.matcher(key).matches()) {
                throw invalid(field + " keys must match [a-z_][a-z0-9_]{0,63}");
            }
            if (RESERVED_CONTEXT_KEYS.contains(key)) {
                throw invalid(field + "." + key + " is set from the resource; send it there");
            }
            checked.put(key, contextValue(field + "." + key, value));
        });
        if (checked.containsKey("data_region") && !(checked.get("data_region") instanceof String)) {
            throw invalid(field + ".data_region must be a string");
        }
        return Map.copyOf(checked);
    }

    private static Object contextValue(String field, @Nullable Object value) {
        return switch (value) {
            case String text when text.length() <= MAX_CONTEXT_STRING -> text;
            case String text -> throw invalid(field + " is longer than " + MAX_CONTEXT_STRING + " characters");
            case Boolean flag -> flag;
            case Integer number -> number.longValue();
            case Long number -> number;
            case BigInteger number when number.bitLength() < Long.SIZE -> number.longValue();
            case null, default -> throw invalid(field + " must be a string, a whole number or a boolean");
        };
    }

    private static InvalidDecisionRequestException invalid(String message) {
        return new InvalidDecisionRequestException(message);
    }
}
