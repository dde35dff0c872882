package io.warmpath.policy.policies;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.cedarpolicy.AuthorizationEngine;
import com.cedarpolicy.model.DetailedError;
import com.cedarpolicy.model.EntityValidationRequest;
import com.cedarpolicy.model.ValidationRequest;
import com.cedarpolicy.model.ValidationResponse;
import com.cedarpolicy.model.entity.Entities;
import com.cedarpolicy.model.entity.Entity;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.exception.BadRequestException;
import com.cedarpolicy.model.exception.CacheException;
import com.cedarpolicy.model.exception.InternalException;
import com.cedarpolicy.model.policy.Policy;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.model.schema.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@link PolicyFiles} into a {@link PolicyBundle}, or refuses with every problem found: a missing or bad
 * schema, a policy that does not parse, lacks an {@code @id} or repeats one, a template (not supported), a policy
 * that is not valid against the schema (Cedar's strict validation: unknown entity types, attributes or actions, type
 * errors), or an entity file that does not parse or does not conform to the schema.
 */
final class PolicyCompiler {

    private static final Logger log = LoggerFactory.getLogger(PolicyCompiler.class);

    private final AuthorizationEngine engine;
    private final Clock clock;

    PolicyCompiler(AuthorizationEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    PolicyBundle compile(PolicyFiles files) {
        List<String> problems = new ArrayList<>();
        Schema schema = parseSchema(files, problems);
        Map<String, String> reasons = new HashMap<>();
        Set<Policy> policies = parsePolicies(files, reasons, problems);
        List<Entity> entities = parseEntities(files, problems);
        if (schema == null || !problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
        PolicySet policySet = new PolicySet(policies);
        validatePolicies(schema, policySet, problems);
        validateEntities(schema, entities, problems);
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(problems);
        }
        cacheNatively(policySet);
        return new PolicyBundle(policySet, entities, reasons, files.fingerprint().substring(0, 12), clock.instant());
    }

    private static Schema parseSchema(PolicyFiles files, List<String> problems) {
        if (files.schema() == null) {
            problems.add(PolicyFiles.SCHEMA_FILE + " is missing");
            return null;
        }
        try {
            return Schema.parse(Schema.JsonOrCedar.Cedar, files.schema());
        }
        catch (InternalException | RuntimeException invalid) {
            problems.add(PolicyFiles.SCHEMA_FILE + ": " + messageOf(invalid));
            return null;
        }
    }

    private static Set<Policy> parsePolicies(PolicyFiles files, Map<String, String> reasons, List<String> problems) {
        Set<Policy> policies = new LinkedHashSet<>();
        Set<String> ids = new HashSet<>();
        for (PolicyFiles.NamedText file : files.policies()) {
            PolicySet parsed;
            try {
                parsed = PolicySet.parsePolicies(file.text());
            }
            catch (InternalException | RuntimeException invalid) {
                problems.add(file.name() + ": " + messageOf(invalid));
                continue;
            }
            if (parsed.getNumTemplates() > 0) {
                problems.add(file.name() + ": policy templates are not supported");
            }
            for (Policy policy : parsed.policies) {
                try {
                    Map<String, String> annotations = policy.getAnnotations();
                    String id = annotations.get("id");
                    if (id == null || id.isBlank()) {
                        problems.add(file.name() + ": a policy has no @id annotation: " + firstLine(policy));
                    }
                    else if (!ids.add(id)) {
                        problems.add(file.name() + ": policy id '" + id + "' is used twice");
                    }
                    else {
                        policies.add(new Policy(policy.getSource(), id));
                        if (annotations.get("reason") != null) {
                            reasons.put(id, annotations.get("reason"));
                        }
                    }
                }
                catch (InternalException unreadable) {
                    problems.add(file.name() + ": " + messageOf(unreadable));
                }
            }
        }
        return policies;
    }

    private static List<Entity> parseEntities(PolicyFiles files, List<String> problems) {
        List<Entity> entities = new ArrayList<>();
        Set<String> uids = new HashSet<>();
        for (PolicyFiles.NamedText file : files.entities()) {
            try {
                for (Entity entity : Entities.parse(file.text()).getEntities()) {
                    if (!uids.add(entity.getEUID().toString())) {
                        problems.add(file.name() + ": entity " + entity.getEUID() + " is defined twice");
                    }
                    entities.add(entity);
                }
            }
            catch (IOException | RuntimeException invalid) {
                problems.add(file.name() + ": not a Cedar entities JSON array ("
                        + invalid.getClass().getSimpleName() + ")");
            }
        }
        return entities;
    }

    private void validatePolicies(Schema schema, PolicySet policySet, List<String> problems) {
        try {
            ValidationResponse response = engine.validate(new ValidationRequest(schema, policySet));
            if (response.validationPassed()) {
                response.success.ifPresent(success -> success.validationWarnings.forEach(warning ->
                        log.warn("Policy {}: {}", warning.getPolicyId(), warning.getError().message)));
                return;
            }
            response.success.ifPresent(success -> success.validationErrors.forEach(error ->
                    problems.add("policy '" + error.getPolicyId() + "': " + error.getError().message)));
            response.errors.ifPresent(errors -> errors.forEach(error -> problems.add(describe(error))));
            if (problems.isEmpty()) {
                problems.add("the policies are not valid against the schema");
            }
        }
        catch (AuthException failed) {
            problems.add("validation failed: " + messageOf(failed));
        }
    }

    private void validateEntities(Schema schema, List<Entity> entities, List<String> problems) {
        if (entities.isEmpty()) {
            return;
        }
        try {
            engine.validateEntities(new EntityValidationRequest(schema, entities));
        }
        catch (BadRequestException invalid) {
            invalid.getErrors().forEach(error -> problems.add("entities: " + error));
        }
        catch (AuthException failed) {
            problems.add("entities: " + messageOf(failed));
        }
    }

    /** Lets the native side keep the parsed set, so a decision does not ship every policy across JNI again. */
    private static void cacheNatively(PolicySet policySet) {
        try {
            policySet.cache();
        }
        catch (CacheException notCached) {
            log.warn("Policy set not cached natively; decisions will be slower: {}", notCached.getMessage());
        }
    }

    private static String describe(DetailedError error) {
        return error.message + error.help.map(help -> " (" + help + ")").orElse("");
    }

    private static String firstLine(Policy policy) {
        String source = policy.getSource().strip();
        int end = source.indexOf('\n');
        return end < 0 ? source : source.substring(0, end);
    }

    private static String messageOf(Exception failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
