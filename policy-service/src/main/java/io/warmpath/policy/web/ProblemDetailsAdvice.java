package io.warmpath.policy.web;

import io.warmpath.policy.decisions.ForeignTenantException;
import io.warmpath.policy.decisions.InvalidDecisionRequestException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * A decision request the service cannot read as a batch is a 400 problem detail naming the field. Framework errors
 * (unreadable JSON, wrong method or media type, unknown path) are problem details too
 * ({@code spring.mvc.problemdetails.enabled}).
 */
@RestControllerAdvice
class ProblemDetailsAdvice {

    @ExceptionHandler(InvalidDecisionRequestException.class)
    ProblemDetail invalidDecisionRequest(InvalidDecisionRequestException invalid) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, invalid.getMessage());
        problem.setTitle("Invalid decision request");
        return problem;
    }

    @ExceptionHandler(ForeignTenantException.class)
    ProblemDetail foreignTenant(ForeignTenantException foreign) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.FORBIDDEN, foreign.getMessage());
        problem.setTitle("Another tenant's decision");
        return problem;
    }
}
