package io.warmpath.artifacts.artifacts;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * One page of {@code GET /v1/artifacts}, in the order the artifacts were stored.
 *
 * @param data       the artifacts
 * @param nextCursor what to pass as {@code cursor} for the next page; absent on the last
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ArtifactPage(List<Artifact> data, @Nullable String nextCursor) {

    ArtifactPage {
        data = List.copyOf(data);
    }
}
