package io.warmpath.session.web;

import io.warmpath.assertion.AssertionAuthentication;
import io.warmpath.contracts.assertion.Assertion;
import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Hands handler methods the caller, from the verified internal assertion: a {@link Tenant} parameter (403 when the
 * assertion names no tenant) or the whole {@link Assertion}.
 */
final class CallerArguments implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Tenant.class || parameter.getParameterType() == Assertion.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        Assertion caller = current();
        if (parameter.getParameterType() == Assertion.class) {
            return caller;
        }
        if (caller.tenant() == null) {
            throw new ApiErrorException(ApiError.of(ErrorCode.INSUFFICIENT_SCOPE,
                    "The internal assertion names no tenant."));
        }
        return new Tenant(caller.tenant());
    }

    /** The tenant of the request being handled, {@code null} when its assertion names none (or there is none). */
    static @Nullable String currentTenant() {
        return SecurityContextHolder.getContext().getAuthentication() instanceof AssertionAuthentication assertion
                ? assertion.assertion().tenant() : null;
    }

    /** The assertion of the request being handled; the security filter has verified it. */
    static Assertion current() {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication instanceof AssertionAuthentication assertion) {
            return assertion.assertion();
        }
        throw new ApiErrorException(ApiError.of(ErrorCode.INVALID_TOKEN, "A valid internal assertion is required."));
    }
}
