package io.warmpath.session.budgets;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.session.SessionServiceTest;
import io.warmpath.session.redis.RedisKeys;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.web.servlet.client.RestTestClient.BodyContentSpec;
import org.springframework.test.web.servlet.client.RestTestClient.ResponseSpec;

import static org.assertj.core.api.Assertions.assertThat;

class ReservationApiTest extends SessionServiceTest {

    @Autowired
    MeterRegistry meters;

    @Autowired
    StringRedisTemplate redis;

    @Test
    void fiftyConcurrentReservationsAdmitExactlyWhatTheBudgetHolds() throws Exception {
        // Each reservation holds 60 + 40 = 100 tokens: the budget fits exactly ten.
        String id = sessionWith(Map.of("max_total_tokens", 1000));
        double admittedBefore = counted("admitted");
        double refusedBefore = counted("budget_exceeded");
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> statuses = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(50)) {
            for (int i = 0; i < 50; i++) {
                statuses.add(pool.submit(() -> {
                    start.await();
                    return reserve(id, 60, 40).returnResult().getStatus().value();
                }));
            }
            start.countDown();
            List<Integer> codes = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                codes.add(status.get());
            }
            assertThat(codes).filteredOn(code -> code == 201).hasSize(10);
            assertThat(codes).filteredOn(code -> code == 429).hasSize(40);
        }
        assertThat(usage(id)).containsEntry("reserved_tokens", 1000);
        assertThat(counted("admitted") - admittedBefore).isEqualTo(10);
        assertThat(counted("budget_exceeded") - refusedBefore).isEqualTo(40);
    }

    @Test
    void settleReplacesTheHoldByActualUsageSoFreedBudgetAdmitsMore() {
        String id = sessionWith(Map.of("max_total_tokens", 1000));
        String first = reservationId(reserve(id, 100, 500).expectStatus().isCreated());
        reserve(id, 100, 200).expectStatus().isCreated();
        // 600 + 300 held: 101 more does not fit.
        reserve(id, 51, 50).expectStatus().isEqualTo(429);

        settle(first, Map.of("prompt_tokens", 100, "completion_tokens", 20, "model", "kimi-k2.5"))
                .expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("settled");

        // Now 120 used + 300 held: 580 left.
        reserve(id, 51, 50).expectStatus().isCreated();
        reserve(id, 250, 250).expectStatus().isEqualTo(429);
        Map<String, Object> usage = usage(id);
        assertThat(usage).containsEntry("prompt_tokens", 100).containsEntry("completion_tokens", 20)
                .containsEntry("reserved_tokens", 401).containsEntry("turns", 1);
    }

    @Test
    void settleIsIdempotentAndReleaseAfterSettleHoldsNothing() {
        String id = sessionWith(Map.of("max_total_tokens", 1000));
        String rid = reservationId(reserve(id, 100, 100).expectStatus().isCreated());
        Map<String, Object> actual = Map.of("prompt_tokens", 100, "completion_tokens", 50);

        settle(rid, actual).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("settled");
        settle(rid, actual).expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("already_settled");
        delete(tenant, "/internal/reservations/" + rid).expectStatus().isNoContent();

        assertThat(usage(id)).containsEntry("turns", 1).containsEntry("prompt_tokens", 100)
                .containsEntry("completion_tokens", 50).containsEntry("reserved_tokens", 0);
    }

    @Test
    void releaseFreesTheHold() {
        String id = sessionWith(Map.of("max_total_tokens", 1000));
        String rid = reservationId(reserve(id, 400, 600).expectStatus().isCreated());
        reserve(id, 1, 0).expectStatus().isEqualTo(429);

        delete(tenant, "/internal/reservations/" + rid).expectStatus().isNoContent();

        reserve(id, 400, 600).expectStatus().isCreated();
        settle(rid, Map.of("prompt_tokens", 1, "completion_tokens", 1)).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.error.code").isEqualTo("reservation_released");
        delete(tenant, "/internal/reservations/rsv_aaaaaaaaaaaaaaaaaaaaaaaaaa").expectStatus().isNotFound();
    }

    @Test
    void expiredReservationsAreReclaimedByTheNextReserve() {
        String id = sessionWith(Map.of("max_total_tokens", 1000));
        String stale = reservationId(reserve(id, 500, 500).expectStatus().isCreated());
        reserve(id, 1, 1).expectStatus().isEqualTo(429);

        clock.advance(Duration.ofMinutes(11));

        reserve(id, 500, 500).expectStatus().isCreated();
        assertThat(usage(id)).containsEntry("reserved_tokens", 1000);
        // A late settle of the reclaimed reservation still records its usage: the tokens were spent.
        settle(stale, Map.of("prompt_tokens", 10, "completion_tokens", 5)).expectStatus().isOk();
        assertThat(usage(id)).containsEntry("reserved_tokens", 1000).containsEntry("prompt_tokens", 10);
    }

    @Test
    void aHoldOrphanedPastItsRecordsTtlIsStillReclaimedWithItsAmounts() throws InterruptedException {
        // kimi-k2.5: 500 prompt at 0.60/M + 500 output at 3.00/M = 0.0018 USD per reservation.
        String id = sessionWith(Map.of("max_total_tokens", 1000, "max_cost_usd", 0.003));
        String orphan = reservationId(reserve(id, 500, 500).expectStatus().isCreated());
        // The request died without settling; its record's TTL runs out (made to happen now) before the next reserve.
        redis.expire(RedisKeys.reservation(id, orphan), Duration.ofMillis(1));
        while (Boolean.TRUE.equals(redis.hasKey(RedisKeys.reservation(id, orphan)))) {
            Thread.sleep(5);
        }
        clock.advance(Duration.ofMinutes(11));

        reserve(id, 500, 500).expectStatus().isCreated();

        assertThat(usage(id)).containsEntry("reserved_tokens", 1000).containsEntry("reserved_cost_usd", 0.0018);
    }

    @Test
    void releaseByRequestIdFreesTheHoldOfAReserveWhoseAnswerWasLost() {
        String id = sessionWith(Map.of("max_total_tokens", 1000));
        post(tenant, "/internal/sessions/" + id + "/reservations", Map.of("request_id", "req-lost",
                "model", "kimi-k2.5", "prompt_tokens", 500, "max_tokens", 500)).expectStatus().isCreated();
        reserve(id, 1, 0).expectStatus().isEqualTo(429);

        delete(tenant, "/internal/sessions/" + id + "/reservations/by-request/req-lost").expectStatus().isNoContent();
        // Idempotent: the cell may retry the release.
        delete(tenant, "/internal/sessions/" + id + "/reservations/by-request/req-lost").expectStatus().isNoContent();

        assertThat(usage(id)).containsEntry("reserved_tokens", 0).containsEntry("turns", 0);
        reserve(id, 500, 500).expectStatus().isCreated();
    }

    @Test
    void releaseByRequestIdIsANotFoundForUnknownRequestsSessionsAndTenants() {
        String id = sessionWith(Map.of("max_total_tokens", 1000));
        post(tenant, "/internal/sessions/" + id + "/reservations", Map.of("request_id", "req-1",
                "model", "kimi-k2.5", "prompt_tokens", 10, "max_tokens", 10)).expectStatus().isCreated();

        delete(tenant, "/internal/sessions/" + id + "/reservations/by-request/req-other").expectStatus()
                .isNotFound().expectBody().jsonPath("$.error.code").isEqualTo("reservation_not_found");
        delete("intruder-" + tenant, "/internal/sessions/" + id + "/reservations/by-request/req-1")
                .expectStatus().isNotFound();
        delete(tenant, "/internal/sessions/ses_aaaaaaaaaaaaaaaaaaaaaaaaaa/reservations/by-request/req-1")
                .expectStatus().isNotFound();
        assertThat(usage(id)).containsEntry("reserved_tokens", 20);
    }

    @Test
    void aReserveArrivingAfterItsReleaseByRequestIdHoldsNothing() {
        String id = sessionWith(Map.of("max_total_tokens", 1000));
        // The cell gave up on a slow reserve and released it before the reserve itself reached the store.
        delete(tenant, "/internal/sessions/" + id + "/reservations/by-request/req-slow").expectStatus().isNotFound();

        post(tenant, "/internal/sessions/" + id + "/reservations", Map.of("request_id", "req-slow",
                "model", "kimi-k2.5", "prompt_tokens", 500, "max_tokens", 500)).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.error.code").isEqualTo("request_id_reused");

        assertThat(usage(id)).containsEntry("reserved_tokens", 0);
        delete(tenant, "/internal/sessions/" + id + "/reservations/by-request/req-slow").expectStatus().isNotFound();
    }

    @Test
    void contextLimitRefusesWithTheLimitNamed() {
        String id = sessionWith(Map.of("max_context_tokens", 8000));

        reserve(id, 8001, 10).expectStatus().isBadRequest().expectBody()
                .jsonPath("$.error.code").isEqualTo("context_length_exceeded")
                .jsonPath("$.error.message").value(m -> assertThat((String) m)
                        .contains("max_context_tokens").contains("8000").contains("8001"));
        reserve(id, 8000, 10).expectStatus().isCreated();
    }

    @Test
    void growthLimitRefusesWithTheLimitNamed() {
        String id = sessionWith(Map.of("max_growth_tokens_per_turn", 500));
        // A first turn has nothing to grow from.
        String first = reservationId(reserve(id, 3000, 10).expectStatus().isCreated());
        settle(first, Map.of("prompt_tokens", 3000, "completion_tokens", 10)).expectStatus().isOk();

        reserve(id, 3501, 10).expectStatus().isBadRequest().expectBody()
                .jsonPath("$.error.code").isEqualTo("context_growth_exceeded")
                .jsonPath("$.error.message").value(m -> assertThat((String) m)
                        .contains("max_growth_tokens_per_turn").contains("500").contains("501"));
        reserve(id, 3500, 10).expectStatus().isCreated();
    }

    @Test
    void costBudgetRefusesAtThePriceTable() {
        // kimi-k2.5: 1000 prompt at 0.60/M + 1000 output at 3.00/M = 0.0036 USD per reservation.
        String id = sessionWith(Map.of("max_cost_usd", 0.01));

        Map<?, ?> admitted = reserve(id, 1000, 1000).expectStatus().isCreated().expectBody(Map.class)
                .returnResult().getResponseBody();
        reserve(id, 1000, 1000).expectStatus().isCreated();

        assertThat(admitted.get("cost_usd")).isEqualTo(0.0036);
        assertThat(admitted.get("tokens")).isEqualTo(2000);
        reserve(id, 1000, 1000).expectStatus().isEqualTo(429).expectBody()
                .jsonPath("$.error.code").isEqualTo("budget_exceeded")
                .jsonPath("$.error.type").isEqualTo("insufficient_quota")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("max_cost_usd"));
        post(tenant, "/internal/sessions/" + id + "/reservations", Map.of("model", "unpriced-model",
                "prompt_tokens", 1, "max_tokens", 1)).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.code").isEqualTo("model_not_priced");
    }

    @Test
    void theSameRequestIdGivesBackTheSameReservation() {
        String id = sessionWith(Map.of("max_total_tokens", 1000));
        Map<String, Object> body = Map.of("request_id", "req-1", "model", "kimi-k2.5", "prompt_tokens", 300,
                "max_tokens", 300);

        String first = reservationId(post(tenant, "/internal/sessions/" + id + "/reservations", body)
                .expectStatus().isCreated());
        String retried = reservationId(post(tenant, "/internal/sessions/" + id + "/reservations", body)
                .expectStatus().isCreated());

        assertThat(retried).isEqualTo(first);
        assertThat(usage(id)).containsEntry("reserved_tokens", 600);
        settle(first, Map.of("prompt_tokens", 300, "completion_tokens", 10)).expectStatus().isOk();
        // Once settled, the id cannot buy a free turn.
        post(tenant, "/internal/sessions/" + id + "/reservations", body).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.error.code").isEqualTo("request_id_reused");
    }

    @Test
    void reservationsNeedAKnownSessionAndValidCounts() {
        String id = sessionWith(Map.of());

        reserve("ses_aaaaaaaaaaaaaaaaaaaaaaaaaa", 1, 1).expectStatus().isNotFound();
        post("intruder-" + tenant, "/internal/sessions/" + id + "/reservations", Map.of("model", "kimi-k2.5",
                "prompt_tokens", 1, "max_tokens", 1)).expectStatus().isNotFound();
        post(tenant, "/internal/sessions/" + id + "/reservations", Map.of("model", "kimi-k2.5",
                "prompt_tokens", -1, "max_tokens", 1)).expectStatus().isBadRequest();
        post(tenant, "/internal/sessions/" + id + "/reservations", Map.of("prompt_tokens", 1, "max_tokens", 1))
                .expectStatus().isBadRequest();
        String rid = reservationId(reserve(id, 10, 10).expectStatus().isCreated());
        settle(rid, Map.of("prompt_tokens", 10, "cached_tokens", 11, "completion_tokens", 1))
                .expectStatus().isBadRequest();
        post("intruder-" + tenant, "/internal/reservations/" + rid + "/settle",
                Map.of("prompt_tokens", 10, "completion_tokens", 1)).expectStatus().isNotFound();
    }

    @Test
    void aTurnWithoutReservationIsRecordedOnceAndPricedInTheLedger() {
        String id = sessionWith(Map.of());
        Map<String, Object> turn = Map.of("request_id", "req-1", "model", "kimi-k2.5", "prompt_tokens", 1000,
                "cached_tokens", 800, "completion_tokens", 100, "ttft_ms", 25, "cell_id", "cell-1");
        double recordedBefore = counted("recorded");

        recordTurn(tenant, id, turn).jsonPath("$.results[0].status").isEqualTo("recorded")
                .jsonPath("$.results[0].turn_id").value(turnId -> assertThat((String) turnId).startsWith("trn_"));
        recordTurn(tenant, id, turn).jsonPath("$.results[0].status").isEqualTo("already_recorded");

        // 200 uncached x 0.60 + 800 cached x 0.10 + 100 x 3.00 per million = 0.00012 + 0.00008 + 0.0003
        assertThat(usage(id)).containsEntry("turns", 1).containsEntry("prompt_tokens", 1000)
                .containsEntry("cached_tokens", 800).containsEntry("completion_tokens", 100)
                .containsEntry("cost_usd", 0.0005).containsEntry("ttft_p50_ms", 25)
                .containsEntry("reserved_tokens", 0);
        assertThat(counted("recorded") - recordedBefore).isEqualTo(1);
    }

    @Test
    void aRecordedTurnCountsAgainstLimitsItShouldHaveReservedFor() {
        String id = sessionWith(Map.of("max_total_tokens", 1000));

        recordTurn(tenant, id, Map.of("request_id", "req-1", "model", "kimi-k2.5", "prompt_tokens", 900,
                "completion_tokens", 50)).jsonPath("$.results[0].status").isEqualTo("recorded");

        reserve(id, 40, 20).expectStatus().isEqualTo(429);
        reserve(id, 30, 20).expectStatus().isCreated();
    }

    @Test
    void recordingATurnNeedsARequestIdAModelAndTheCallersSession() {
        String id = sessionWith(Map.of());
        Map<String, Object> turn = Map.of("request_id", "req-1", "model", "kimi-k2.5", "prompt_tokens", 10,
                "completion_tokens", 1);

        recordTurn("intruder-" + tenant, id, turn).jsonPath("$.results[0].status").isEqualTo("session_not_found");
        recordTurn(tenant, "ses_aaaaaaaaaaaaaaaaaaaaaaaaaa", turn)
                .jsonPath("$.results[0].status").isEqualTo("session_not_found");
        recordTurn(tenant, id, Map.of("model", "kimi-k2.5", "prompt_tokens", 10, "completion_tokens", 1))
                .jsonPath("$.results[0].status").isEqualTo("invalid_request")
                .jsonPath("$.results[0].message").value(message -> assertThat((String) message).contains("request_id"));
        recordTurn(tenant, id, Map.of("request_id", "req-2", "prompt_tokens", 10, "completion_tokens", 1))
                .jsonPath("$.results[0].status").isEqualTo("invalid_request");
        recordTurn(tenant, id, Map.of("request_id", "req-3", "model", "kimi-k2.5", "prompt_tokens", 10,
                "cached_tokens", 11, "completion_tokens", 1)).jsonPath("$.results[0].status").isEqualTo("invalid_request");
        assertThat(usage(id)).containsEntry("turns", 0);
    }

    @Test
    void aBatchOfTurnsIsRecordedTurnByTurnWithOneResultEach() {
        String id = sessionWith(Map.of());
        String other = sessionWith(Map.of());
        Map<String, Object> batch = Map.of("turns", List.of(
                Map.of("session_id", id, "request_id", "req-1", "model", "kimi-k2.5", "prompt_tokens", 1000,
                        "cached_tokens", 800, "completion_tokens", 100, "ttft_ms", 25),
                Map.of("session_id", "ses_aaaaaaaaaaaaaaaaaaaaaaaaaa", "request_id", "req-2", "model", "kimi-k2.5",
                        "prompt_tokens", 1, "completion_tokens", 1),
                Map.of("session_id", other, "request_id", "req-3", "prompt_tokens", 1, "completion_tokens", 1),
                Map.of("session_id", id, "request_id", "req-4", "model", "kimi-k2.5", "prompt_tokens", 1200,
                        "completion_tokens", 10)));

        post(tenant, "/internal/turns", batch).expectStatus().isOk().expectBody()
                .jsonPath("$.results.length()").isEqualTo(4)
                .jsonPath("$.results[0].status").isEqualTo("recorded")
                .jsonPath("$.results[1].status").isEqualTo("session_not_found")
                .jsonPath("$.results[2].status").isEqualTo("invalid_request")
                .jsonPath("$.results[3].status").isEqualTo("recorded");
        // A retried batch changes nothing.
        post(tenant, "/internal/turns", batch).expectStatus().isOk().expectBody()
                .jsonPath("$.results[0].status").isEqualTo("already_recorded")
                .jsonPath("$.results[3].status").isEqualTo("already_recorded");

        assertThat(usage(id)).containsEntry("turns", 2).containsEntry("prompt_tokens", 2200)
                .containsEntry("completion_tokens", 110);
        assertThat(usage(other)).containsEntry("turns", 0);
        post("intruder-" + tenant, "/internal/turns", batch).expectStatus().isOk().expectBody()
                .jsonPath("$.results[0].status").isEqualTo("session_not_found");
        post(tenant, "/internal/turns", Map.of("turns", List.of())).expectStatus().isBadRequest();
    }

    @Test
    @SuppressWarnings("unchecked")
    void turnsThatBrokeTheCachedPrefixCountBySectionInTheUsageWithTheLatest() {
        String id = sessionWith(Map.of("max_total_tokens", 1_000_000));
        String held = reservationId(reserve(id, 100, 10));
        settle(held, Map.of("prompt_tokens", 100, "completion_tokens", 10,
                "prefix_break", Map.of("section", "tools", "token_position", 40))).expectStatus().isOk();
        String open = (String) createSession(tenant, Map.of("workflow", "agent")).get("id");
        recordTurn(tenant, open, Map.of("request_id", "req-pb-1", "model", "kimi-k2.5", "prompt_tokens", 50,
                "completion_tokens", 5, "prefix_break", Map.of("section", "system", "token_position", 0)))
                .jsonPath("$.results[0].status").isEqualTo("recorded");
        recordTurn(tenant, open, Map.of("request_id", "req-pb-2", "model", "kimi-k2.5", "prompt_tokens", 60,
                "completion_tokens", 5, "prefix_break", Map.of("section", "nowhere", "token_position", 3)))
                .jsonPath("$.results[0].status").isEqualTo("invalid_request");

        assertThat((Map<String, Object>) usage(id).get("prefix_breaks")).containsEntry("tools", 1)
                .containsEntry("system", 0).containsEntry("last", "tools@40");
        Map<String, Object> breaks = (Map<String, Object>) usage(open).get("prefix_breaks");
        assertThat(breaks).containsEntry("system", 1).containsEntry("history", 0).containsEntry("last", "system@0");
        assertThat(breaks.get("last_at")).isNotNull();
    }

    /** Records one turn through the batch API; the body of the answer, whose one result is the turn's. */
    private BodyContentSpec recordTurn(String tenant, String sessionId, Map<String, Object> turn) {
        Map<String, Object> withSession = new HashMap<>(turn);
        withSession.put("session_id", sessionId);
        return post(tenant, "/internal/turns", Map.of("turns", List.of(withSession))).expectStatus().isOk()
                .expectBody().jsonPath("$.results.length()").isEqualTo(1);
    }

    private String sessionWith(Map<String, Object> budgets) {
        return (String) createSession(tenant, Map.of("workflow", "agent", "budgets", budgets)).get("id");
    }

    private ResponseSpec reserve(String sessionId, int promptTokens, int maxTokens) {
        return post(tenant, "/internal/sessions/" + sessionId + "/reservations", Map.of("model", "kimi-k2.5",
                "prompt_tokens", promptTokens, "max_tokens", maxTokens));
    }

    private ResponseSpec settle(String reservationId, Map<String, Object> actual) {
        return post(tenant, "/internal/reservations/" + reservationId + "/settle", new HashMap<>(actual));
    }

    private static String reservationId(ResponseSpec response) {
        String id = (String) response.expectBody(Map.class).returnResult().getResponseBody().get("reservation_id");
        assertThat(id).startsWith("rsv_");
        return id;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> usage(String sessionId) {
        return get(tenant, "/v1/sessions/" + sessionId + "/usage").expectStatus().isOk().expectBody(Map.class)
                .returnResult().getResponseBody();
    }

    private double counted(String outcome) {
        return meters.get(ReservationMetrics.RESERVATIONS).tag("outcome", outcome).counter().count();
    }
}
