package io.warmpath.policy.client;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * What an action is on.
 *
 * @param type      {@code Cell}, {@code Model}, {@code Artifact}, {@code Tool} or {@code Url}
 * @param id        its id (for a {@code Url}, the URL)
 * @param region    where it processes or keeps data; {@code null} when it has no region
 * @param dataClass the class of the data involved ({@code public}, {@code internal}, {@code confidential},
 *                  {@code regulated}); {@code null}: {@code internal}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Resource(String type, String id, @Nullable String region,
        @JsonProperty("data_class") @Nullable String dataClass) {

    public Resource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(id, "id");
    }

    /** An inference cell in a region, asked about data of one class. */
    public static Resource cell(String id, @Nullable String region, @Nullable String dataClass) {
        return new Resource("Cell", id, region, dataClass);
    }
}
