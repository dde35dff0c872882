package io.warmpath.contracts.policy;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.PostExchange;
import reactor.core.publisher.Mono;

/**
 * policy-service's decision API, as its callers (the gateway, the cells) see it. {@code authorization} is the
 * caller's {@code Bearer} credential for policy-service.
 */
public interface PolicyServiceApi {

    /** The path of the decision endpoint. */
    String DECISIONS = "/v1/decisions";

    /** Decides a batch; any status but 200 is an error ({@code WebClientResponseException}). */
    @PostExchange(url = DECISIONS, contentType = "application/json", accept = "application/json")
    Mono<DecisionAnswers> decide(
            @RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) @Nullable String authorization,
            @RequestBody DecisionBatch batch);
}
