package io.warmpath.policy.decisions;

import java.util.ArrayList;
import java.util.List;

import io.warmpath.policy.decisions.DecisionMessages.Answer;
import io.warmpath.policy.decisions.DecisionMessages.Answers;
import io.warmpath.policy.decisions.DecisionMessages.Batch;
import io.warmpath.policy.policies.PolicyBundle;
import io.warmpath.policy.policies.PolicyStore;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/decisions}: a batch of 1 to 256 questions, answered in order. The whole batch is checked first (a
 * mistake anywhere is a 400 naming the field, and nothing is decided), then decided against one policy set, so a
 * reload never splits a batch.
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

    @PostMapping(path = "/v1/decisions", consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    Answers decide(@RequestBody(required = false) @Nullable Batch batch) {
        List<Question> questions = Questions.from(batch);
        PolicyBundle bundle = policies.current();
        List<Answer> answers = new ArrayList<>(questions.size());
        for (Question question : questions) {
            long started = System.nanoTime();
            Verdict verdict = decider.decide(question, bundle);
            metrics.decided(question.action(), verdict, System.nanoTime() - started);
            audit.record(question, verdict, bundle);
            answers.add(new Answer(verdict.decision(), verdict.policies(), verdict.reason()));
        }
        return new Answers(answers);
    }
}
