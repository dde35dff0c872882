package io.warmpath.artifacts.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.warmpath.contracts.DataClass;
import io.warmpath.contracts.Ids;
import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /v1/artifacts}: upload (the raw body, described by query parameters), download with ranges, metadata,
 * listing, deletion, presigned URLs and legal holds. Bodies stream in both directions; nothing holds an artifact in
 * memory.
 */
@RestController
@RequestMapping("/v1/artifacts")
class ArtifactController {

    private static final Logger log = LoggerFactory.getLogger(ArtifactController.class);
    static final String REPLAYED = "Idempotent-Replayed";
    private static final int MAX_LABELS = 16;
    private static final int MAX_NAME = 255;
    private static final int MAX_IDEMPOTENCY_KEY = 255;
    private static final int DEFAULT_PAGE = 20;
    private static final int MAX_PAGE = 100;
    private static final Duration DEFAULT_URL_LIFETIME = Duration.ofMinutes(15);
    private static final Pattern LABEL_KEY = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,62}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern REGION = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    static final String KIND = "kind";
    static final String TRANSCRIPT_KIND = "transcript";
    static final String CHECKPOINT_KIND = "checkpoint";
    private static final String WRITE_SCOPE = "artifacts:write";

    private final Artifacts artifacts;
    private final ArtifactProperties properties;

    ArtifactController(Artifacts artifacts, ArtifactProperties properties) {
        this.artifacts = artifacts;
        this.properties = properties;
    }

    @PutMapping
    ResponseEntity<Artifact> upload(@AuthenticationPrincipal Assertion caller, HttpServletRequest request,
            @RequestParam(required = false) @Nullable String name,
            @RequestParam(name = "session_id", required = false) @Nullable String sessionId,
            @RequestParam(name = "data_class", required = false) @Nullable String dataClass,
            @RequestParam(name = "label", required = false) @Nullable List<String> labels,
            @RequestParam(name = "retention_days", required = false) @Nullable Integer retentionDays,
            @RequestParam(required = false) @Nullable String region,
            @RequestParam(required = false) @Nullable String sha256,
            @RequestHeader(name = WarmpathHeaders.IDEMPOTENCY_KEY, required = false) @Nullable String idempotencyKey,
            @RequestHeader(name = WarmpathHeaders.POLICY_ASSERTION, required = false) @Nullable String policy)
            throws IOException {
        NewArtifact described = new NewArtifact(name(name), contentType(request.getContentType()),
                sessionId(sessionId), dataClass(dataClass), labels(labels), retention(retentionDays), region(region),
                sha256(sha256));
        requireTranscriptRules(caller, described);
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
            throw new ApiErrorException(ApiError.invalidField(WarmpathHeaders.IDEMPOTENCY_KEY,
                    "must have 1 to " + MAX_IDEMPOTENCY_KEY + " characters"));
        }
        long announced = request.getContentLengthLong();
        if (announced > 0 && caller.tenant() != null && announced > properties.maxBytes(caller.tenant())) {
            // Refused before a byte is read.
            throw tooLarge(caller.tenant());
        }
        Artifacts.Stored stored;
        try (InputStream body = request.getInputStream()) {
            stored = artifacts.store(caller, policy, described, body, announced, idempotencyKey);
        }
        ResponseEntity.BodyBuilder response = stored.replayed() ? ResponseEntity.ok().header(REPLAYED, "true")
                : ResponseEntity.created(URI.create("/v1/artifacts/" + stored.artifact().id()));
        return response.body(stored.artifact());
    }

    @GetMapping("/{id}")
    void download(@AuthenticationPrincipal Assertion caller, @PathVariable String id,
            @RequestHeader(name = HttpHeaders.RANGE, required = false) @Nullable String range,
            @RequestHeader(name = WarmpathHeaders.POLICY_ASSERTION, required = false) @Nullable String policy,
            HttpServletResponse response) throws IOException {
        Download download = artifacts.open(caller, policy, id, range);
        try (InputStream body = download.body()) {
            response.setStatus(download.contentRange() == null ? HttpStatus.OK.value()
                    : HttpStatus.PARTIAL_CONTENT.value());
            if (download.contentRange() != null) {
                response.setHeader(HttpHeaders.CONTENT_RANGE, download.contentRange());
            }
            describe(download.artifact(), download.length(), response);
            OutputStream out = response.getOutputStream();
            body.transferTo(out);
            out.flush();
        } catch (IOException | UncheckedIOException broken) {
            if (!response.isCommitted()) {
                throw broken;
            }
            // The client went away or the store broke off mid-stream: the status is sent, the connection is cut.
            log.debug("Download of {} broke off: {}", id, broken.getMessage());
        }
    }

    /** The headers of a download, without its bytes. */
    @RequestMapping(path = "/{id}", method = RequestMethod.HEAD)
    void head(@AuthenticationPrincipal Assertion caller, @PathVariable String id,
            @RequestHeader(name = WarmpathHeaders.POLICY_ASSERTION, required = false) @Nullable String policy,
            HttpServletResponse response) {
        Artifact artifact = artifacts.metadata(caller, policy, id);
        response.setStatus(HttpStatus.OK.value());
        describe(artifact, artifact.size(), response);
    }

    private static void describe(Artifact artifact, long length, HttpServletResponse response) {
        response.setContentType(artifact.contentType());
        response.setContentLengthLong(length);
        response.setHeader(HttpHeaders.ACCEPT_RANGES, "bytes");
        response.setHeader(HttpHeaders.ETAG, "\"" + artifact.sha256() + "\"");
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment()
                .filename(artifact.name(), StandardCharsets.UTF_8).build().toString());
        // What the client stored is served as data, never rendered or sniffed as something else.
        response.setHeader("X-Content-Type-Options", "nosniff");
    }

    @GetMapping("/{id}/metadata")
    Artifact metadata(@AuthenticationPrincipal Assertion caller, @PathVariable String id,
            @RequestHeader(name = WarmpathHeaders.POLICY_ASSERTION, required = false) @Nullable String policy) {
        return artifacts.metadata(caller, policy, id);
    }

    @GetMapping
    ArtifactPage list(@AuthenticationPrincipal Assertion caller,
            @RequestParam(name = "session", required = false) @Nullable String session,
            @RequestParam(required = false) @Nullable String kind,
            @RequestParam(required = false) @Nullable String cursor,
            @RequestParam(required = false) @Nullable Integer limit,
            @RequestHeader(name = WarmpathHeaders.POLICY_ASSERTION, required = false) @Nullable String policy) {
        int pageSize = limit == null ? DEFAULT_PAGE : limit;
        if (pageSize < 1 || pageSize > MAX_PAGE) {
            throw new ApiErrorException(ApiError.invalidField("limit", "must be between 1 and " + MAX_PAGE));
        }
        if (kind != null && kind.isBlank()) {
            throw new ApiErrorException(ApiError.invalidField("kind", "must not be blank"));
        }
        return artifacts.list(caller, policy, sessionId(session), kind, cursor, pageSize);
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(@AuthenticationPrincipal Assertion caller, @PathVariable String id,
            @RequestHeader(name = WarmpathHeaders.POLICY_ASSERTION, required = false) @Nullable String policy) {
        artifacts.delete(caller, policy, id);
        return ResponseEntity.noContent().build();
    }

    /** {@code {"expires_in": seconds}}, optional. */
    record UrlRequest(@Nullable Long expiresIn) {
    }

    @PostMapping("/{id}/url")
    PresignedUrl presign(@AuthenticationPrincipal Assertion caller, @PathVariable String id,
            @RequestBody(required = false) @Nullable UrlRequest request,
            @RequestHeader(name = WarmpathHeaders.POLICY_ASSERTION, required = false) @Nullable String policy) {
        Duration lifetime = request == null || request.expiresIn() == null
                ? min(DEFAULT_URL_LIFETIME, properties.maxUrlLifetime()) : Duration.ofSeconds(request.expiresIn());
        return artifacts.presign(caller, policy, id, lifetime);
    }

    /** {@code {"hold": true}} sets the legal hold, {@code false} lifts it. */
    record HoldRequest(@Nullable Boolean hold) {
    }

    @PutMapping("/{id}/legal-hold")
    Artifact legalHold(@AuthenticationPrincipal Assertion caller, @PathVariable String id,
            @RequestBody HoldRequest request,
            @RequestHeader(name = WarmpathHeaders.POLICY_ASSERTION, required = false) @Nullable String policy) {
        if (request.hold() == null) {
            throw new ApiErrorException(ApiError.invalidField("hold", "is required (true or false)"));
        }
        return artifacts.legalHold(caller, policy, id, request.hold());
    }

    /**
     * A transcript ({@code kind=transcript}) or a checkpoint ({@code kind=checkpoint}) is what a cell stores for a
     * session that records its transcript or checkpoints, with the assertion the gateway gave it for that: nobody else
     * may write one, and that assertion may write nothing else. It is of the assertion's session and data class, kept
     * where policy puts the session's data.
     */
    private static void requireTranscriptRules(Assertion caller, NewArtifact artifact) {
        requireCellKindRules(caller, artifact, TRANSCRIPT_KIND, Assertion.TRANSCRIPT_SCOPE);
        requireCellKindRules(caller, artifact, CHECKPOINT_KIND, Assertion.CHECKPOINT_SCOPE);
    }

    private static void requireCellKindRules(Assertion caller, NewArtifact artifact, String kind, String scope) {
        boolean ofKind = kind.equals(artifact.labels().get(KIND));
        boolean cellWriter = !caller.hasScope(WRITE_SCOPE) && caller.hasScope(scope);
        if (ofKind && !cellWriter) {
            throw new ApiErrorException(new ApiError(ErrorCode.INSUFFICIENT_SCOPE, "The label kind=" + kind + " is "
                    + "reserved to what a cell stores for a session.", "label", null));
        }
        if (cellWriter && (!ofKind || caller.session() == null
                || !caller.session().equals(artifact.sessionId()) || artifact.region() != null
                || (artifact.dataClass() != null && artifact.dataClass() != caller.dataClass()))) {
            throw new ApiErrorException(ApiError.of(ErrorCode.INSUFFICIENT_SCOPE, "This assertion may store only "
                    + "the " + kind + " (kind=" + kind + ") of its own session, of its data class."));
        }
    }

    private static String name(@Nullable String name) {
        if (name == null || name.isBlank()) {
            throw new ApiErrorException(new ApiError(ErrorCode.MISSING_REQUIRED_PARAMETER,
                    "'name' is required: the artifact's name, such as a file name.", "name", null));
        }
        if (name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw new ApiErrorException(ApiError.invalidField("name", "must have at most " + MAX_NAME
                    + " characters and no control characters"));
        }
        return name;
    }

    private static String contentType(@Nullable String header) {
        if (header == null || header.isBlank()) {
            return MediaType.APPLICATION_OCTET_STREAM_VALUE;
        }
        try {
            return MediaType.parseMediaType(header).toString();
        } catch (InvalidMediaTypeException invalid) {
            throw new ApiErrorException(ApiError.invalidField("Content-Type", "is not a media type"));
        }
    }

    private static @Nullable String sessionId(@Nullable String sessionId) {
        if (sessionId != null && !Ids.isValid("ses_", sessionId)) {
            throw new ApiErrorException(ApiError.invalidField("session_id", "is not a session id (ses_...)"));
        }
        return sessionId;
    }

    private static @Nullable DataClass dataClass(@Nullable String value) {
        if (value == null) {
            return null;
        }
        return DataClass.parse(value).orElseThrow(() -> new ApiErrorException(new ApiError(
                ErrorCode.INVALID_DATA_CLASS, "'data_class' must be public, internal, confidential or regulated.",
                "data_class", null)));
    }

    private static Map<String, String> labels(@Nullable List<String> values) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String value : values == null ? List.<String>of() : values) {
            int equals = value.indexOf('=');
            String key = equals < 0 ? "" : value.substring(0, equals);
            String text = equals < 0 ? "" : value.substring(equals + 1);
            if (!LABEL_KEY.matcher(key).matches() || text.length() > 256
                    || text.chars().anyMatch(Character::isISOControl) || labels.put(key, text) != null) {
                throw new ApiErrorException(ApiError.invalidField("label", "must be key=value, each key once "
                        + "(lower-case letters, digits, '_', '.', '-'; up to 63), each value up to 256 characters"));
            }
        }
        if (labels.size() > MAX_LABELS) {
            throw new ApiErrorException(ApiError.invalidField("label", "may be given at most " + MAX_LABELS + " times"));
        }
        return labels;
    }

    private static @Nullable Duration retention(@Nullable Integer days) {
        if (days == null) {
            return null;
        }
        if (days < 1) {
            throw new ApiErrorException(ApiError.invalidField("retention_days", "must be at least 1"));
        }
        return Duration.ofDays(days);
    }

    private static @Nullable String region(@Nullable String region) {
        if (region != null && !REGION.matcher(region).matches()) {
            throw new ApiErrorException(ApiError.invalidField("region", "is not a region name"));
        }
        return region;
    }

    private static @Nullable String sha256(@Nullable String sha256) {
        if (sha256 == null) {
            return null;
        }
        String lower = sha256.toLowerCase(Locale.ROOT);
        if (!SHA256.matcher(lower).matches()) {
            throw new ApiErrorException(ApiError.invalidField("sha256", "must be 64 hexadecimal characters"));
        }
        return lower;
    }

    private ApiErrorException tooLarge(String tenant) {
        return new ApiErrorException(ApiError.of(ErrorCode.REQUEST_TOO_LARGE,
                "Artifacts of this tenant may have at most " + properties.maxBytes(tenant) + " bytes."));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
