package io.warmpath.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ChatToolScopingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void bodyWithoutToolsIsForwardedUntouched() {
        String body = """
                {"model":"m","messages":[{"role":"user","content":"mention \\"tools\\": [] in text"}],
                 "metadata":{"tools":["nested, not top level"]}}""";

        assertThat(scoped(body, Set.of())).isEmpty();
    }

    @Test
    void unscopedFunctionToolsAreRemovedAndScopedOnesKept() {
        String body = chat("""
                "tools":[%s,%s,%s]""".formatted(tool("weather"), tool("shell"), tool("search")));

        JsonNode forwarded = forwarded(body, Set.of("weather", "search"));

        assertThat(toolNames(forwarded)).containsExactly("weather", "search");
        assertThat(forwarded.path("messages").size()).as("the rest is kept").isEqualTo(1);
    }

    @Test
    void withNoScopedToolLeftToolsAndToolChoiceAreRemoved() {
        String body = chat("""
                "tools":[%s],"tool_choice":"required\"""".formatted(tool("shell")));

        JsonNode forwarded = forwarded(body, Set.of("weather"));

        assertThat(forwarded.has("tools")).isFalse();
        assertThat(forwarded.has("tool_choice")).isFalse();
        assertThat(forwarded.path("model").asString()).isEqualTo("m");
    }

    @Test
    void toolChoiceNamingARemovedToolIsRemovedButOneNamingAKeptToolStays() {
        String forcedShell = chat("""
                "tools":[%s,%s],"tool_choice":{"type":"function","function":{"name":"shell"}}"""
                .formatted(tool("weather"), tool("shell")));
        String forcedWeather = forcedShell.replace("{\"name\":\"shell\"}}", "{\"name\":\"weather\"}}");

        assertThat(forwarded(forcedShell, Set.of("weather")).has("tool_choice")).isFalse();
        assertThat(forwarded(forcedWeather, Set.of("weather")).path("tool_choice").path("function").path("name")
                .asString()).isEqualTo("weather");
    }

    @Test
    void toolsThatAreNotNamedFunctionsAreRemoved() {
        String body = chat("""
                "tools":[{"type":"custom","custom":{"name":"weather"}},{"type":"function","function":{}},
                         {"type":"function","name":"weather"},%s]""".formatted(tool("weather")));

        assertThat(toolNames(forwarded(body, Set.of("weather")))).containsExactly("weather");
    }

    @Test
    void legacyFunctionsAreFilteredByName() {
        String body = chat("""
                "functions":[{"name":"weather","parameters":{}},{"name":"shell","parameters":{}}],
                "function_call":{"name":"shell"}""");

        JsonNode forwarded = forwarded(body, Set.of("weather"));

        assertThat(forwarded.path("functions").size()).isEqualTo(1);
        assertThat(forwarded.path("functions").get(0).path("name").asString()).isEqualTo("weather");
        assertThat(forwarded.has("function_call")).isFalse();
    }

    @Test
    void anEscapedToolsPropertyIsStillFound() {
        String body = chat("""
                "\\u0074ools":[%s]""".formatted(tool("shell")));

        assertThat(forwarded(body, Set.of()).has("tools")).isFalse();
    }

    @Test
    void aRepeatedToolsPropertyIsForwardedOnlyAsTheCheckedValue() {
        String body = chat("""
                "tools":[%s],"tools":[%s]""".formatted(tool("shell"), tool("weather")));

        String forwarded = new String(scoped(body, Set.of("weather")).orElseThrow(), StandardCharsets.UTF_8);

        assertThat(forwarded).doesNotContain("shell");
        assertThat(toolNames(JSON.readTree(forwarded))).containsExactly("weather");
    }

    @Test
    void fullyScopedRequestKeepsEveryTool() {
        String body = chat("""
                "tools":[%s,%s]""".formatted(tool("weather"), tool("search")));

        assertThat(toolNames(forwarded(body, Set.of("weather", "search", "other")))).containsExactly("weather",
                "search");
    }

    @Test
    void bodiesThatAreNotJsonObjectsAreLeftForTheRequestFilterToReject() {
        assertThat(scoped("{\"tools\": [", Set.of())).isEmpty();
        assertThat(scoped("[{\"tools\": []}]", Set.of())).isEmpty();
        assertThat(scoped("", Set.of())).isEmpty();
    }

    private static Optional<byte[]> scoped(String body, Set<String> tools) {
        return ChatToolScoping.scoped(body.getBytes(StandardCharsets.UTF_8), tools);
    }

    private static JsonNode forwarded(String body, Set<String> tools) {
        return JSON.readTree(scoped(body, tools).orElseThrow());
    }

    private static List<String> toolNames(JsonNode request) {
        return request.path("tools").values().stream()
                .map(tool -> tool.path("function").path("name").asString())
                .toList();
    }

    private static String chat(String toolFields) {
        return """
                {"model":"m","messages":[{"role":"user","content":"hi"}],%s}""".formatted(toolFields);
    }

    private static String tool(String name) {
        return """
                {"type":"function","function":{"name":"%s","parameters":{"type":"object"}}}""".formatted(name);
    }
}
