package io.warmpath.policy.decisions;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.resttestclient.autoconfigure.AutoConfigureRestTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.client.RestTestClient;

import static io.warmpath.policy.DecisionRequests.batch;
import static io.warmpath.policy.DecisionRequests.bearerFor;
import static io.warmpath.policy.DecisionRequests.principal;
import static io.warmpath.policy.DecisionRequests.request;
import static io.warmpath.policy.DecisionRequests.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

/**
 * The shipped default policies (classpath; tenant {@code dev} allows regulated data in region {@code local}) decide
 * as docs/security.md documents, over the real HTTP API.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureRestTestClient
class DefaultPoliciesTest {

    private static final String ALLOW = "allow";
    private static final String DENY = "deny";

    @Autowired
    RestTestClient client;

    static Stream<Arguments> cases() {
        return Stream.of(
                row("internal data: anyone, anywhere", principal("acme", List.of(), null), "infer",
                        cell("eu-west", "internal"), Map.of(), ALLOW, "open-data"),
                row("public data: anyone, anywhere", principal("acme", List.of(), null), "infer",
                        cell("us-east", "public"), Map.of(), ALLOW, "open-data"),
                row("no data class means the strictest, regulated", principal("acme", List.of(), null), "infer",
                        cell("us-east", null), Map.of(), DENY),
                row("confidential without role or clearance", principal("acme", List.of("analyst"), "internal"),
                        "infer", cell("eu-west", "confidential"), Map.of(), DENY),
                row("confidential with the role", principal("acme", List.of("data:confidential"), null), "infer",
                        cell("eu-west", "confidential"), Map.of(), ALLOW, "confidential-data"),
                row("confidential with clearance confidential", principal("acme", List.of(), "confidential"),
                        "infer", cell("eu-west", "confidential"), Map.of(), ALLOW, "confidential-data"),
                row("confidential with clearance regulated", principal("acme", List.of(), "regulated"), "infer",
                        cell("eu-west", "confidential"), Map.of(), ALLOW, "confidential-data"),
                row("regulated with clearance, in an allowed region", principal("dev", List.of(), "regulated"),
                        "infer", cell("local", "regulated"), Map.of(), ALLOW, "regulated-data"),
                row("regulated with the role, in an allowed region", principal("dev", List.of("data:regulated"), null),
                        "infer", cell("local", "regulated"), Map.of(), ALLOW, "regulated-data"),
                row("regulated outside the tenant's regions", principal("dev", List.of(), "regulated"), "infer",
                        cell("eu-west", "regulated"), Map.of(), DENY, "regulated-outside-tenant-regions"),
                row("regulated with only confidential clearance", principal("dev", List.of(), "confidential"),
                        "infer", cell("local", "regulated"), Map.of(), DENY),
                row("regulated for a tenant without settings", principal("acme", List.of(), "regulated"), "infer",
                        cell("local", "regulated"), Map.of(), DENY),
                row("a cell without a region label never gets regulated data",
                        principal("dev", List.of(), "regulated"), "infer",
                        resource("Cell", "cell-x", null, "regulated"), Map.of(), DENY, "regulated-outside-tenant-regions"),
                row("a cell without a region label takes internal data", principal("acme", List.of(), null),
                        "infer", resource("Cell", "cell-x", null, "internal"), Map.of(), ALLOW, "open-data"),
                row("data pinned to another region", principal("acme", List.of(), null), "infer",
                        cell("eu-west", "internal"), Map.of("data_region", "us-east"), DENY, "data-region-pinned"),
                row("data pinned to the cell's region", principal("acme", List.of(), null), "infer",
                        cell("eu-west", "internal"), Map.of("data_region", "eu-west"), ALLOW, "open-data"),
                row("egress is denied by default", principal("acme", List.of(), "regulated"), "egress",
                        resource("Url", "https://api.example.com/v1/x?key=1", null, "public"), Map.of(), DENY),
                row("reading an internal artifact", principal("acme", List.of(), null), "read_artifact",
                        resource("Artifact", "art-1", "eu-west", "internal"), Map.of(), ALLOW, "open-data"),
                row("storing a regulated artifact in an allowed region", principal("dev", List.of(), "regulated"),
                        "store_artifact", resource("Artifact", "art-2", "local", "regulated"), Map.of(), ALLOW,
                        "regulated-data"),
                row("a tool without a region never gets regulated data",
                        principal("dev", List.of("data:regulated"), "regulated"), "invoke_tool",
                        resource("Tool", "search", null, "regulated"), Map.of(), DENY,
                        "regulated-outside-tenant-regions"),
                row("a tool with internal data", principal("acme", List.of(), null), "invoke_tool",
                        resource("Tool", "search", null, "internal"), Map.of(), ALLOW, "open-data"),
                row("recording an internal session's transcript", principal("acme", List.of(), null),
                        "record_transcript", resource("Session", "new", null, "internal"), Map.of(), ALLOW,
                        "open-data"),
                row("recording a confidential session's transcript without role or clearance",
                        principal("acme", List.of(), null), "record_transcript",
                        resource("Session", "new", null, "confidential"), Map.of(), DENY),
                row("recording a confidential session's transcript with clearance",
                        principal("acme", List.of(), "confidential"), "record_transcript",
                        resource("Session", "new", null, "confidential"), Map.of(), ALLOW, "confidential-data"),
                row("no default policy records a regulated session's transcript, even in an allowed region",
                        principal("dev", List.of("data:regulated"), "regulated"), "record_transcript",
                        resource("Session", "new", "local", "regulated"), Map.of("data_region", "local"), DENY));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void defaultPoliciesDecideAsDocumented(Map<String, Object> principal, String action, Map<String, Object> resource,
            Map<String, Object> context, String expected, List<String> expectedPolicies) {
        Map<?, ?> answer = decideOne(request(principal, action, resource, context));

        assertThat(answer.get("decision")).isEqualTo(expected);
        assertThat(answer.get("policies")).isEqualTo(expectedPolicies);
        assertThat((String) answer.get("reason")).isNotBlank();
    }

    private Map<?, ?> decideOne(Map<String, Object> request) {
        Map<?, ?> body = client.post().uri("/v1/decisions").contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, bearerFor(request))
                .body(batch(request)).exchange()
                .expectStatus().isOk()
                .expectBody(Map.class).returnResult().getResponseBody();
        List<?> decisions = (List<?>) body.get("decisions");
        assertThat(decisions).hasSize(1);
        return (Map<?, ?>) decisions.getFirst();
    }

    private static Map<String, Object> cell(String region, String dataClass) {
        return resource("Cell", "cell-1", region, dataClass);
    }

    private static Arguments row(String name, Map<String, Object> principal, String action,
            Map<String, Object> resource, Map<String, Object> context, String expected, String... policies) {
        return argumentSet(name, principal, action, resource, context, expected, List.of(policies));
    }
}
