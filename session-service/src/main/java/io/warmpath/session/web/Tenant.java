package io.warmpath.session.web;

import java.util.regex.Pattern;

/**
 * The calling tenant, from the trusted {@code x-warmpath-tenant} header that the gateway sets from the JWT. Declare a
 * {@code Tenant} parameter on a handler method to receive it; requests without a valid header never get that far.
 *
 * @param id the tenant id
 */
public record Tenant(String id) {

    public static final String HEADER = "x-warmpath-tenant";

    /** Any visible ASCII: the gateway passes the JWT's tenant claim as it is. */
    private static final Pattern VALID = Pattern.compile("[\\x21-\\x7e]{1,256}");

    static boolean isValid(String value) {
        return value != null && VALID.matcher(value).matches();
    }
}
