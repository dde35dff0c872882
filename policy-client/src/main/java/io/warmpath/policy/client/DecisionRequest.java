package io.warmpath.policy.client;

import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One question for policy-service: may this principal perform this action on this resource?
 *
 * <p>Equal requests are the same question, so a record (value equality) doubles as the key of the allow cache.
 *
 * @param principal who asks
 * @param action    {@code infer}, {@code store_artifact}, {@code read_artifact}, {@code invoke_tool} or {@code egress}
 * @param resource  what the action is on
 * @param context   extra facts: string, whole-number or boolean values only (no {@code data_class} or
 *                  {@code region}: those come from the resource)
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DecisionRequest(Principal principal, String action, Resource resource, Map<String, Object> context) {

    public DecisionRequest {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        context = context == null ? Map.of() : Map.copyOf(context);
    }

    public DecisionRequest(Principal principal, String action, Resource resource) {
        this(principal, action, resource, Map.of());
    }
}
