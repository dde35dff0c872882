package io.warmpath.gateway.tools;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import io.warmpath.contracts.DataClass;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ToolRegistryTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SCHEMA = "{\"type\":\"object\",\"required\":[\"city\"]}";

    @Test
    void toolsAreCompiledFromInlineSchemasAndSchemaFiles() {
        ToolRegistry registry = registry(Map.of(
                "inline", definition("https://tools.example.com/a", HttpMethod.POST, SCHEMA, null, "regulated"),
                "from-file", definition("https://tools.example.com/b", HttpMethod.GET, null,
                        new ClassPathResource("tools/weather-input.schema.json"), "public")));

        Tool inline = registry.find("inline").orElseThrow();
        Tool fromFile = registry.find("from-file").orElseThrow();
        assertThat(inline.maxDataClass()).isEqualTo(DataClass.REGULATED);
        assertThat(inline.sendsBody()).isTrue();
        assertThat(fromFile.sendsBody()).isFalse();
        assertThat(fromFile.inputSchema().violations(JSON.readTree("{\"city\":\"\"}"))).hasSize(1);
        assertThat(inline.inputSchema().violations(JSON.readTree("{}"))).hasSize(1);
        assertThat(registry.find("missing")).isEmpty();
    }

    @Test
    void badDefinitionsStopStartUp() {
        assertInvalid("has space", definition("https://t.example.com", HttpMethod.POST, SCHEMA, null, "internal"));
        assertInvalid("a", definition("ftp://t.example.com", HttpMethod.POST, SCHEMA, null, "internal"));
        assertInvalid("a", definition("/relative", HttpMethod.POST, SCHEMA, null, "internal"));
        assertInvalid("a", definition("https://t.example.com", HttpMethod.DELETE, SCHEMA, null, "internal"));
        assertInvalid("a", definition("https://t.example.com", HttpMethod.POST, SCHEMA, null, "secret"));
        assertInvalid("a", definition("https://t.example.com", HttpMethod.POST, null, null, "internal"));
        assertInvalid("a", definition("https://t.example.com", HttpMethod.POST, SCHEMA,
                new ClassPathResource("tools/weather-input.schema.json"), "internal"));
        assertInvalid("a", definition("https://t.example.com", HttpMethod.POST, "{not json", null, "internal"));
        assertInvalid("a", definition("https://t.example.com", HttpMethod.POST, "{\"type\":7}", null, "internal"));
    }

    private static void assertInvalid(String name, ToolProperties.Definition definition) {
        assertThatIllegalArgumentException().isThrownBy(() -> registry(Map.of(name, definition)))
                .withMessageContaining(name);
    }

    private static ToolRegistry registry(Map<String, ToolProperties.Definition> tools) {
        return new ToolRegistry(new ToolProperties(tools, true), JSON);
    }

    private static ToolProperties.Definition definition(String url, HttpMethod method, @Nullable String schema,
            @Nullable Resource schemaFile, String maxDataClass) {
        return new ToolProperties.Definition(URI.create(url), method, schema, schemaFile, maxDataClass,
                Duration.ofSeconds(5), DataSize.ofKilobytes(64), false);
    }
}
