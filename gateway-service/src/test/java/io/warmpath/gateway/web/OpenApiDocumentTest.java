package io.warmpath.gateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.warmpath.contracts.errors.ErrorCode;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpMethod;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/** The published OpenAPI document says what the gateway does: every route and method, every error code. */
class OpenApiDocumentTest {

    @Test
    void everyPublicRouteAndMethodIsDocumentedAndNothingElse() throws IOException {
        Set<String> documented = new TreeSet<>();
        Map<String, Map<String, Object>> paths = document().get("paths") instanceof Map<?, ?> map ? cast(map) : Map.of();
        paths.forEach((path, item) -> item.keySet().stream().filter(key -> !key.equals("parameters"))
                .forEach(method -> documented.add(method.toUpperCase() + " " + path)));

        Set<String> served = new TreeSet<>();
        PublicRoutes.routes().forEach((path, methods) -> methods.stream().map(HttpMethod::name)
                .forEach(method -> served.add(method + " " + path)));

        assertThat(documented).isEqualTo(served);
    }

    @Test
    void everyErrorCodeIsDocumentedAndNothingElse() throws IOException {
        Map<String, Object> schemas = cast(cast(document().get("components")).get("schemas"));
        Map<String, Object> error = cast(cast(cast(schemas.get("ErrorBody")).get("properties")).get("error"));
        Map<String, Object> code = cast(cast(error.get("properties")).get("code"));

        assertThat(new TreeSet<>((java.util.List<?>) code.get("enum"))).isEqualTo(new TreeSet<>(
                Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList()));
    }

    private static Map<String, Object> document() throws IOException {
        try (InputStream in = new ClassPathResource(OpenApiConfiguration.LOCATION).getInputStream()) {
            return new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Map<String, T> cast(Object map) {
        return (Map<String, T>) map;
    }
}
