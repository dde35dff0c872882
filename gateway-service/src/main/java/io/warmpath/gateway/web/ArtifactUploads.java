package io.warmpath.gateway.web;

import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The one public request whose body is not JSON and may be larger than any other: an artifact upload
 * ({@code PUT /v1/artifacts}), streamed through to artifact-service as it arrives, whatever its media type.
 */
final class ArtifactUploads {

    static final String PATH = "/v1/artifacts";

    private ArtifactUploads() {
    }

    static boolean isUpload(ServerHttpRequest request) {
        return request.getMethod() == HttpMethod.PUT && request.getPath().value().equals(PATH);
    }
}
