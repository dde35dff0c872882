package io.warmpath.gateway.routing;

import java.time.Duration;

import io.warmpath.contracts.WarmpathHeaders;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.jspecify.annotations.Nullable;

/**
 * An inference request's deadline: its {@code x-request-timeout-ms}, counted from its arrival at the gateway, for the
 * whole call however many cells it is tried on. Each attempt tells its cell what is left of it (in the same header),
 * and a retry goes to another cell only while what is left covers the time to first token predicted there.
 *
 * @param atNanos the {@link System#nanoTime()} it ends at
 */
record RequestDeadline(long atNanos) {

    static final String ATTRIBUTE = RequestDeadline.class.getName();

    /** The longest deadline taken as such; a client asking for more gets the cells' own limits. */
    static final long MAX_MILLIS = Duration.ofHours(24).toMillis();

    /**
     * The deadline a header value sets, counted from now; null without one.
     *
     * @throws ApiErrorException 400 {@code invalid_request_timeout} for anything but a whole number of milliseconds
     */
    static @Nullable RequestDeadline parse(@Nullable String header) {
        if (header == null) {
            return null;
        }
        long millis;
        try {
            millis = Long.parseLong(header.strip());
        }
        catch (NumberFormatException notACount) {
            millis = -1;
        }
        if (millis < 0) {
            throw new ApiErrorException(ApiError.of(ErrorCode.INVALID_REQUEST_TIMEOUT,
                    WarmpathHeaders.REQUEST_TIMEOUT_MS + " must be a whole number of milliseconds, 0 or more."));
        }
        return millis > MAX_MILLIS ? null : new RequestDeadline(System.nanoTime() + millis * 1_000_000);
    }

    boolean passed() {
        return System.nanoTime() - atNanos >= 0;
    }

    /** What is left; zero once it has passed. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }

    static ApiErrorException exceeded(String message) {
        return new ApiErrorException(ApiError.of(ErrorCode.DEADLINE_EXCEEDED, message));
    }
}
