package io.warmpath.session.sessions;

import java.util.Set;
import java.util.regex.Pattern;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code POST /v1/sessions}.
 *
 * @param workflow   required, {@code [a-z0-9._-]{1,64}}; a later resolve naming another workflow is refused
 * @param dataClass  public, internal (default), confidential or regulated
 * @param region     optional region the session's data must stay in
 * @param ttlSeconds lifetime since last use, 60 to 604800, default 3600
 * @param budgets    optional limits
 */
record CreateSessionRequest(
        @Nullable String workflow,
        @Nullable String dataClass,
        @Nullable String region,
        @Nullable Integer ttlSeconds,
        @Nullable Budgets budgets) {

    static final Pattern WORKFLOW = Pattern.compile("[a-z0-9._-]{1,64}");
    static final Pattern REGION = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    static final Set<String> DATA_CLASSES = Set.of("public", "internal", "confidential", "regulated");
    static final String DEFAULT_DATA_CLASS = "internal";
    private static final int DEFAULT_TTL_SECONDS = 3600;
    private static final int MIN_TTL_SECONDS = 60;
    private static final int MAX_TTL_SECONDS = 604_800;

    /** The request with defaults applied; a 400 naming the field when something is wrong. */
    CreateSessionRequest validated() {
        if (workflow == null || !WORKFLOW.matcher(workflow).matches()) {
            throw invalid("workflow", "is required and must match [a-z0-9._-]{1,64}");
        }
        String validDataClass = dataClass == null ? DEFAULT_DATA_CLASS : dataClass;
        if (!DATA_CLASSES.contains(validDataClass)) {
            throw invalid("data_class", "must be one of public, internal, confidential, regulated");
        }
        if (region != null && !REGION.matcher(region).matches()) {
            throw invalid("region", "must match [A-Za-z0-9._-]{1,64}");
        }
        int ttl = ttlSeconds == null ? DEFAULT_TTL_SECONDS : ttlSeconds;
        if (ttl < MIN_TTL_SECONDS || ttl > MAX_TTL_SECONDS) {
            throw invalid("ttl_seconds", "must be between " + MIN_TTL_SECONDS + " and " + MAX_TTL_SECONDS);
        }
        Budgets validBudgets = budgets == null ? Budgets.UNLIMITED : budgets.validated();
        return new CreateSessionRequest(workflow, validDataClass, region, ttl, validBudgets);
    }

    private static ApiErrorException invalid(String field, String problem) {
        return new ApiErrorException(ApiError.invalidField(field, problem));
    }
}
