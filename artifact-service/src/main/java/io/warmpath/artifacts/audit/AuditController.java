package io.warmpath.artifacts.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.warmpath.artifacts.store.AuditArchive;
import io.warmpath.artifacts.store.ObjectPage;
import io.warmpath.artifacts.store.ObjectStore;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.audit.AuditKeys;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/audit} lists the caller's tenant's audit batches (scope {@code audit:read}) in time order, from a
 * time or after a cursor; {@code GET /v1/audit/{id}} streams one batch, one decision record per line. Only the
 * tenant's own prefix of the audit bucket is ever read ({@link AuditKeys}): another tenant's batch id is not found.
 * This service only reads the bucket; policy-service alone writes it.
 */
@RestController
@RequestMapping("/v1/audit")
class AuditController {

    private static final int DEFAULT_PAGE = 100;
    private static final int MAX_PAGE = 1000;

    private final AuditArchive archive;

    AuditController(AuditArchive archive) {
        this.archive = archive;
    }

    /**
     * One batch in a listing.
     *
     * @param id        the batch id, for {@code GET /v1/audit/{id}} and as a cursor
     * @param writtenAt when policy-service wrote the batch (its records were decided up to a flush interval before)
     */
    record AuditBatch(String id, Instant writtenAt) {
    }

    /** A page of batches; {@code nextCursor} is absent on the last. */
    record AuditPage(List<AuditBatch> data, @Nullable String nextCursor) {
    }

    @GetMapping
    AuditPage list(@AuthenticationPrincipal Assertion caller, @RequestParam(required = false) @Nullable String from,
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(required = false) @Nullable Integer limit) {
        int pageSize = limit == null ? DEFAULT_PAGE : limit;
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw new ApiErrorException(ApiError.invalidField("limit", "must be between 1 and " + MAX_PAGE));
        }
        if (cursor != null && !AuditKeys.isBatchId(cursor)) {
            throw new ApiErrorException(ApiError.invalidField("cursor", "is not a cursor this API gave out"));
        }
        String prefix = AuditKeys.tenantPrefix(tenantOf(caller));
        String startAfter = cursor != null ? AuditKeys.batchKey(tenantOf(caller), cursor)
                : from != null ? prefix + AuditKeys.startOf(instant(from)) : null;
        ObjectPage page = store().list(prefix, startAfter, pageSize);
        List<AuditBatch> batches = page.keys().stream().map(AuditKeys::batchIdOf).filter(Objects::nonNull)
                .map(id -> new AuditBatch(id, AuditKeys.timeOf(id))).toList();
        return new AuditPage(batches, page.truncated() && !batches.isEmpty() ? batches.getLast().id() : null);
    }

    @GetMapping("/{id}")
    void read(@AuthenticationPrincipal Assertion caller, @PathVariable String id, HttpServletResponse response)
            throws IOException {
        if (!AuditKeys.isBatchId(id)) {
            throw notFound(id);
        }
        try (InputStream batch = store().read(AuditKeys.batchKey(tenantOf(caller), id), null)
                .orElseThrow(() -> notFound(id))) {
            response.setContentType(AuditKeys.MEDIA_TYPE);
            response.setHeader("X-Content-Type-Options", "nosniff");
            OutputStream out = response.getOutputStream();
            batch.transferTo(out);
            out.flush();
        }
    }

    private ObjectStore store() {
        return archive.store().orElseThrow(() -> new ApiErrorException(ApiError.of(ErrorCode.NOT_FOUND,
                "This deployment keeps no audit records to list (no audit bucket is configured).")));
    }

    private static String tenantOf(Assertion caller) {
        if (caller.tenant() == null) {
            throw new ApiErrorException(ApiError.of(ErrorCode.INSUFFICIENT_SCOPE,
                    "The internal assertion names no tenant."));
        }
        return caller.tenant();
    }

    private static Instant instant(String value) {
        try {
            return Instant.parse(value);
        }
        catch (DateTimeException notATime) {
            throw new ApiErrorException(ApiError.invalidField("from", "must be a time such as 2026-12-07T10:00:00Z"));
        }
    }

    private static ApiErrorException notFound(String id) {
        return new ApiErrorException(ApiError.of(ErrorCode.NOT_FOUND, "No audit batch " + id + "."));
    }
}
