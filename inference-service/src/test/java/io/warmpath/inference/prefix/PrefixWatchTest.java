package io.warmpath.inference.prefix;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

class PrefixWatchTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String READ = "{\"type\":\"function\",\"function\":{\"name\":\"read_file\",\"parameters\":{}}}";
    private static final String GREP = "{\"function\":{\"parameters\":{},\"name\":\"grep\"},\"type\":\"function\"}";
    private static final String EDIT = "{\"type\":\"function\",\"function\":{\"name\":\"edit\"}}";

    private final PrefixWatch watch = new PrefixWatch(new PrefixWatchProperties(true, 100_000, Duration.ofHours(1), true,
            Set.of("raw-tenant")), new SimpleMeterRegistry());

    @Test
    void eachToolsMembersAreSortedWithOrWithoutASessionAndTheBodyPassedInIsLeftAlone() {
        ObjectNode body = chat(GREP, READ);

        ObjectNode stable = watch.stableTools("acme", null, body);

        assertThat(stable.get("tools").get(0).toString())
                .isEqualTo("{\"function\":{\"name\":\"grep\",\"parameters\":{}},\"type\":\"function\"}");
        assertThat(names(stable)).containsExactly("grep", "read_file");
        assertThat(body.get("tools").get(0).toString()).isEqualTo(GREP);
        assertThat(stable.get("messages")).isEqualTo(body.get("messages"));
    }

    @Test
    void aSessionsToolsKeepTheOrderItFirstSentThemInAndNewOnesComeAfter() {
        ObjectNode first = watch.stableTools("acme", "ses_1", chat(READ, GREP));
        PrefixWatch.Observed firstTurn = watch.observe("acme", "ses_1", first);
        assertThat(firstTurn.prefixBreak()).isNull();
        firstTurn.remember().run();

        ObjectNode reordered = watch.stableTools("acme", "ses_1", chat(GREP, READ));
        assertThat(names(reordered)).containsExactly("read_file", "grep");
        assertThat(watch.observe("acme", "ses_1", reordered).prefixBreak()).as("no break: the engine sees the same order")
                .isNull();

        assertThat(names(watch.stableTools("acme", "ses_1", chat(EDIT, GREP, READ))))
                .containsExactly("read_file", "grep", "edit");
        // Another session, or another tenant's session of the same id, has an order of its own.
        assertThat(names(watch.stableTools("acme", "ses_2", chat(GREP, READ)))).containsExactly("grep", "read_file");
        assertThat(names(watch.stableTools("globex", "ses_1", chat(GREP, READ)))).containsExactly("grep", "read_file");
    }

    @Test
    void aTurnNotServedIsNotRememberedSoTheTurnAfterItIsComparedWithTheLastServedOne() {
        ObjectNode served = chat(READ, GREP);
        watch.observe("acme", "ses_9", served).remember().run();
        ObjectNode refused = chat(EDIT);

        assertThat(watch.observe("acme", "ses_9", refused).prefixBreak()).isNotNull();
        // The refused turn never ran: the client's retry of the served prompt breaks nothing.
        assertThat(watch.observe("acme", "ses_9", served).prefixBreak()).isNull();
    }

    @Test
    void aTenantThatSwitchedItOffGetsItsToolsAsSent() {
        ObjectNode body = chat(GREP, READ);

        assertThat(watch.stableTools("raw-tenant", "ses_1", body)).isSameAs(body);
    }

    private static ObjectNode chat(String... tools) {
        return (ObjectNode) JSON.readTree("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[" + String.join(",", tools) + "]}");
    }

    private static List<String> names(JsonNode body) {
        return body.get("tools").valueStream().map(tool -> tool.path("function").path("name").asString()).toList();
    }
}
