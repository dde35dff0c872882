package io.warmpath.policy.decisions;

import java.time.Clock;
import java.util.Optional;

import io.warmpath.policy.audit.AuditShipper;
import io.warmpath.policy.policies.PolicyBundle;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Records every decision as one JSON object per line on the logger {@value #LOGGER} (route it to its own appender or
 * file in production). A record holds who (principal id and tenant), what (action, resource type, id, region, data
 * class), the names of the caller's context facts (not their values), the answer, the deciding policies, the reason
 * and the policy set version. Never a token or prompt text: decision requests carry neither, and a URL is recorded
 * as its origin only (its path and query may carry secrets). When an audit bucket is configured, the same line is
 * also shipped there, for the tenant to list ({@link AuditShipper}).
 */
@Component
class AuditLog {

    static final String LOGGER = "warmpath.policy.audit";

    private static final Logger audit = LoggerFactory.getLogger(LOGGER);

    private final JsonMapper json;
    private final Clock clock;
    private final @Nullable AuditShipper shipper;

    AuditLog(JsonMapper json, Clock clock, Optional<AuditShipper> shipper) {
        this.json = json;
        this.clock = clock;
        this.shipper = shipper.orElse(null);
    }

    void record(Question question, Verdict verdict, PolicyBundle bundle) {
        if (!audit.isInfoEnabled() && shipper == null) {
            return;
        }
        ObjectNode line = json.createObjectNode();
        line.put("at", clock.instant().toString());
        line.put("policy_version", bundle.version());
        line.put("principal", question.principalId());
        line.put("tenant", question.tenant());
        line.put("action", question.action().id());
        line.put("resource_type", question.resourceType().entityType());
        line.put("resource", question.url() == null ? question.resourceId() : question.url().origin());
        line.put("region", question.regionOrEmpty());
        line.put("data_class", question.dataClass());
        ArrayNode contextKeys = line.putArray("context_keys");
        question.context().keySet().stream().sorted().forEach(contextKeys::add);
        line.put("decision", verdict.decision());
        ArrayNode policies = line.putArray("policies");
        verdict.policies().forEach(policies::add);
        line.put("reason", verdict.reason());
        String record = json.writeValueAsString(line);
        audit.info(record);
        if (shipper != null) {
            shipper.offer(question.tenant(), record);
        }
    }
}
