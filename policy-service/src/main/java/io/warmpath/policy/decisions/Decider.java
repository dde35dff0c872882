package io.warmpath.policy.decisions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.cedarpolicy.AuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.AuthorizationSuccessResponse;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.value.CedarList;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimBool;
import com.cedarpolicy.value.PrimLong;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import io.warmpath.policy.policies.PolicyBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Answers a {@link Question} with Cedar. The principal ({@code User}, a member of {@code Tenant::"<tenant>"}) and the
 * resource are built from the question; the bundle's entity data supplies the rest (an entity of the data files with
 * the same uid as the principal or the resource is left out: the question's own facts win). The context always holds
 * {@code data_class} and {@code region} (the resource's, or {@code ""}), plus the caller's extra facts.
 *
 * <p>Anything the engine cannot evaluate is a deny (fail closed inside the service too), never an error answer.
 */
@Component
class Decider {

    private static final Logger log = LoggerFactory.getLogger(Decider.class);

    private static final EntityTypeName USER = type("User");
    private static final EntityTypeName TENANT = type("Tenant");
    private static final EntityTypeName ACTION = type("Action");

    private final AuthorizationEngine engine;

    Decider(AuthorizationEngine engine) {
        this.engine = engine;
    }

    Verdict decide(Question question, PolicyBundle bundle) {
        EntityUID tenant = TENANT.of(question.tenant());
        Entity principal = principal(question, tenant);
        Entity resource = resource(question);
        Set<Entity> entities = new HashSet<>(bundle.entities().size() + 2);
        String principalUid = principal.getEUID().toString();
        String resourceUid = resource.getEUID().toString();
        for (Entity entity : bundle.entities()) {
            String uid = entity.getEUID().toString();
            if (!uid.equals(principalUid) && !uid.equals(resourceUid)) {
                entities.add(entity);
            }
        }
        entities.add(principal);
        entities.add(resource);
        AuthorizationRequest request = new AuthorizationRequest(principal.getEUID(),
                ACTION.of(question.action().id()), resource.getEUID(), context(question));
        try {
            AuthorizationResponse response = engine.isAuthorized(request, bundle.policySet(), entities);
            if (response.success.isEmpty()) {
                log.warn("Cedar could not evaluate a {} request: {}", question.action().id(),
                        response.errors.map(Object::toString).orElse("no details"));
                return new Verdict(false, List.of(), "denied: the request could not be evaluated");
            }
            return verdict(question, bundle, response.success.get());
        }
        catch (AuthException failed) {
            log.warn("Cedar failed on a {} request: {}", question.action().id(), failed.getClass().getSimpleName());
            return new Verdict(false, List.of(), "denied: the request could not be evaluated");
        }
    }

    private static Verdict verdict(Question question, PolicyBundle bundle, AuthorizationSuccessResponse success) {
        List<String> policies = success.getReason().stream().sorted().toList();
        if (!policies.isEmpty()) {
            String reasons = policies.stream()
                    .map(id -> bundle.reasonOf(id) == null ? "policy " + id : bundle.reasonOf(id))
                    .distinct()
                    .collect(Collectors.joining("; "));
            return new Verdict(success.isAllowed(), policies, reasons);
        }
        String reason = "no policy permits " + question.action().id() + " on a " + question.resourceType().entityType()
                + " with " + question.dataClass() + " data in region '" + question.regionOrEmpty() + "'";
        List<AuthorizationSuccessResponse.AuthorizationError> errors = success.getErrors();
        if (!errors.isEmpty()) {
            // Typically an unknown tenant: a policy that reads its settings cannot be evaluated, so it does not permit.
            reason += "; " + errors.size() + " polic" + (errors.size() == 1 ? "y" : "ies") + " could not be evaluated ("
                    + errors.getFirst().getError().message + ")";
        }
        return new Verdict(false, List.of(), reason);
    }

    private static Entity principal(Question question, EntityUID tenant) {
        Map<String, Value> attributes = new HashMap<>();
        attributes.put("tenant", tenant);
        attributes.put("roles", strings(question.roles()));
        attributes.put("clearance", new PrimString(question.clearance()));
        if (question.homeRegion() != null) {
            attributes.put("home_region", new PrimString(question.homeRegion()));
        }
        return new Entity(USER.of(question.principalId()), attributes, Set.of(tenant));
    }

    private static Entity resource(Question question) {
        Map<String, Value> attributes = new HashMap<>();
        switch (question.resourceType()) {
            // A cell without a region label is in region "": no tenant allows regulated data there.
            case CELL -> attributes.put("region", new PrimString(question.regionOrEmpty()));
            case MODEL, TOOL -> putRegion(question, attributes);
            case ARTIFACT, SESSION -> {
                putRegion(question, attributes);
                attributes.put("data_class", new PrimString(question.dataClass()));
            }
            case URL -> {
                Question.UrlParts url = question.url();
                attributes.put("scheme", new PrimString(url.scheme()));
                attributes.put("host", new PrimString(url.host()));
                attributes.put("port", new PrimLong(url.port()));
            }
        }
        return new Entity(type(question.resourceType().entityType()).of(question.resourceId()), attributes, Set.of());
    }

    private static void putRegion(Question question, Map<String, Value> attributes) {
        if (question.region() != null) {
            attributes.put("region", new PrimString(question.region()));
        }
    }

    private static Map<String, Value> context(Question question) {
        Map<String, Value> context = new HashMap<>();
        question.context().forEach((key, value) -> context.put(key, switch (value) {
            case String text -> new PrimString(text);
            case Long number -> new PrimLong(number);
            case Boolean flag -> new PrimBool(flag);
            default -> throw new IllegalStateException("unchecked context value " + value.getClass());
        }));
        context.put("data_class", new PrimString(question.dataClass()));
        context.put("region", new PrimString(question.regionOrEmpty()));
        return context;
    }

    private static CedarList strings(List<String> values) {
        List<Value> strings = new ArrayList<>(values.size());
        values.forEach(value -> strings.add(new PrimString(value)));
        return new CedarList(strings);
    }

    private static EntityTypeName type(String name) {
        return EntityTypeName.parse(name).orElseThrow();
    }
}
