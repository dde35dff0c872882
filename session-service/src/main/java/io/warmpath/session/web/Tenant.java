package io.warmpath.session.web;

/**
 * The calling tenant, as the gateway's internal assertion names it. Declare a {@code Tenant} parameter on a handler
 * method to receive it; an assertion without a tenant (the gateway's own calls) never gets that far (403).
 *
 * @param id the tenant id
 */
public record Tenant(String id) {
}
