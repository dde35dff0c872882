package io.warmpath.session.bindings;

import java.util.regex.Pattern;

import io.warmpath.session.web.ApiError;
import io.warmpath.session.web.ApiErrorException;
import org.jspecify.annotations.Nullable;

/**
 * Body of {@code PUT /internal/sessions/{id}/binding}.
 *
 * @param cellId        the cell to bind to
 * @param model         the model the cell serves for this session
 * @param expectedEpoch the epoch the caller last saw; null binds unconditionally
 * @param reason        new, rebind_unhealthy, rebind_slow, rebind_model or rebind_gone
 */
record BindRequest(@Nullable String cellId, @Nullable String model, @Nullable Long expectedEpoch,
        @Nullable String reason) {

    static final Pattern CELL_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._:/@-]{1,128}");

    BindingReason validReason() {
        if (cellId == null || !CELL_ID.matcher(cellId).matches()) {
            throw invalid("cell_id", "is required and must match [A-Za-z0-9._:-]{1,128}");
        }
        if (model == null || !MODEL.matcher(model).matches()) {
            throw invalid("model", "is required and must match [A-Za-z0-9._:/@-]{1,128}");
        }
        if (expectedEpoch != null && expectedEpoch < 0) {
            throw invalid("expected_epoch", "must not be negative");
        }
        return BindingReason.parse(reason == null ? "new" : reason).orElseThrow(() -> invalid("reason",
                "must be one of new, rebind_unhealthy, rebind_slow, rebind_model, rebind_gone"));
    }

    private static ApiErrorException invalid(String field, String problem) {
        return new ApiErrorException(ApiError.invalidField(field, problem));
    }
}
