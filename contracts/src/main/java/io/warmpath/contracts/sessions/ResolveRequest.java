package io.warmpath.contracts.sessions;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /internal/resolve}: which session is this {@code x-session-affinity} value, for the calling
 * tenant? A token ({@code wpt_...}) names a session created with {@code POST /v1/sessions}; any other value opens or
 * finds the tenant's implicit session of that name.
 *
 * @param affinity the header's value
 * @param workflow the request's {@code x-workflow}; a token session of another workflow is refused (403)
 */
public record ResolveRequest(
        @NotBlank @Size(max = WireFormats.MAX_AFFINITY_LENGTH) @Nullable String affinity,
        @Pattern(regexp = WireFormats.WORKFLOW) @Nullable String workflow) {
}
