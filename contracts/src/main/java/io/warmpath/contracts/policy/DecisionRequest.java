package io.warmpath.contracts.policy;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * One question for policy-service: may this principal perform this action on this resource? Equal requests are the
 * same question, so a record (value equality) doubles as the key of a client's allow cache.
 *
 * @param principal who asks
 * @param action    {@code infer}, {@code store_artifact}, {@code read_artifact}, {@code invoke_tool},
 *                  {@code record_transcript} or {@code egress}
 * @param resource  what the action is on
 * @param context   extra facts: string, whole-number or boolean values only (no {@code data_class} or {@code region}:
 *                  those come from the resource)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DecisionRequest(@Nullable Principal principal, @Nullable String action, @Nullable Resource resource,
        @Nullable Map<String, @Nullable Object> context) {

    public DecisionRequest {
        context = context == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(context));
    }

    public DecisionRequest(Principal principal, String action, Resource resource) {
        this(principal, action, resource, Map.of());
    }
}
