package io.warmpath.contracts.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.warmpath.contracts.DataClass;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What an action is on.
 *
 * @param type      {@code Cell}, {@code Model}, {@code Artifact}, {@code Tool} or {@code Url}
 * @param id        its id (for a {@code Url}, the URL)
 * @param region    where it processes or keeps data; {@code null} when it has no region
 * @param dataClass the class of the data involved ({@link DataClass#wireName()})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Resource(@Nullable String type, @Nullable String id, @Nullable String region,
        @Nullable String dataClass) {

    /** An inference cell (or a region of them) asked about data of one class. */
    public static Resource cell(String id, @Nullable String region, DataClass dataClass) {
        return new Resource("Cell", id, region, dataClass.wireName());
    }

    /** A tool asked about data of one class. */
    public static Resource tool(String name, DataClass dataClass) {
        return new Resource("Tool", name, null, dataClass.wireName());
    }

    /** A URL a tool call would reach. */
    public static Resource url(String url, DataClass dataClass) {
        return new Resource("Url", url, null, dataClass.wireName());
    }
}
