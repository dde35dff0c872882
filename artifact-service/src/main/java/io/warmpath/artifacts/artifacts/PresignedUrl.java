package io.warmpath.artifacts.artifacts;

import java.time.Instant;

/**
 * {@code POST /v1/artifacts/{id}/url}: a URL that GETs the artifact's bytes without credentials.
 *
 * @param url       the presigned URL, straight to the S3 server
 * @param expiresAt when it stops working
 */
record PresignedUrl(String url, Instant expiresAt) {
}
