package io.warmpath.policy.decisions;

import java.util.ArrayList;
import java.util.List;

import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.policy.DecisionAnswer;
import io.warmpath.contracts.policy.DecisionAnswers;
import io.warmpath.contracts.policy.DecisionBatch;
import io.warmpath.contracts.policy.PolicyServiceApi;
import io.warmpath.policy.policies.PolicyBundle;
import io.warmpath.policy.policies.PolicyStore;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/decisions}: a batch of 1 to 256 questions, answered in order. The whole batch is checked first (a
 * mistake anywhere is a 400 naming the field, and nothing is decided), then decided against one policy set, so a
 * reload never splits a batch. Questions are only about the caller's own tenant, as its assertion names it: a
 * question about another tenant's principal is a 403, and nothing is decided.
 */
@RestController
class DecisionController {

    private final PolicyStore policies;
    private final Decider decider;
    private final AuditLog audit;
    private final DecisionMetrics metrics;

    DecisionController(PolicyStore policies, Decider decider, AuditLog audit, DecisionMetrics metrics) {
        this.policies = policies;
        this.decider = decider;
        this.audit = audit;
        this.metrics = metrics;
    }

    @PostMapping(path = PolicyServiceApi.DECISIONS, consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    DecisionAnswers decide(@AuthenticationPrincipal Assertion caller,
            @RequestBody(required = false) @Nullable DecisionBatch batch) {
        List<Question> questions = Questions.from(batch);
        Questions.requireTenant(questions, caller.tenant());
        PolicyBundle bundle = policies.current();
        List<DecisionAnswer> answers = new ArrayList<>(questions.size());
        for (Question question : questions) {
            long started = System.nanoTime();
            Verdict verdict = decider.decide(question, bundle);
            metrics.decided(question.action(), verdict, System.nanoTime() - started);
            audit.record(question, verdict, bundle);
            answers.add(new DecisionAnswer(verdict.decision(), verdict.policies(), verdict.reason()));
        }
        return new DecisionAnswers(answers);
    }
}
