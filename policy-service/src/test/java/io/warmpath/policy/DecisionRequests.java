package io.warmpath.policy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.warmpath.assertion.testing.TestAssertions;
import io.warmpath.contracts.assertion.Audiences;
import org.springframework.test.web.servlet.client.RestTestClient;

/** Builds decision request JSON (as maps) for tests. */
public final class DecisionRequests {

    private DecisionRequests() {
    }

    public static Map<String, Object> principal(String tenant, List<String> roles, String clearance) {
        Map<String, Object> principal = new LinkedHashMap<>();
        principal.put("id", "user-1");
        principal.put("tenant", tenant);
        principal.put("roles", roles);
        if (clearance != null) {
            principal.put("clearance", clearance);
        }
        return principal;
    }

    public static Map<String, Object> resource(String type, String id, String region, String dataClass) {
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("type", type);
        resource.put("id", id);
        if (region != null) {
            resource.put("region", region);
        }
        if (dataClass != null) {
            resource.put("data_class", dataClass);
        }
        return resource;
    }

    public static Map<String, Object> request(Map<String, Object> principal, String action,
            Map<String, Object> resource, Map<String, Object> context) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("principal", principal);
        request.put("action", action);
        request.put("resource", resource);
        if (!context.isEmpty()) {
            request.put("context", context);
        }
        return request;
    }

    public static Map<String, Object> batch(Object... requests) {
        return Map.of("requests", List.of(requests));
    }

    /** A client of the service's actuator, on its management port. */
    public static RestTestClient actuator(int managementPort) {
        return RestTestClient.bindToServer().baseUrl("http://127.0.0.1:" + managementPort).build();
    }

    /** {@code Bearer} and the internal assertion of a caller of {@code tenant}, for policy-service. */
    public static String bearer(String tenant) {
        return TestAssertions.shared().bearer(TestAssertions.caller(tenant), Audiences.POLICY);
    }

    /** The assertion of the tenant a request asks about. */
    public static String bearerFor(Map<String, Object> request) {
        return bearer((String) ((Map<?, ?>) request.get("principal")).get("tenant"));
    }
}
