package io.warmpath.session.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Guards the APIs with the trusted tenant header (401 without it, before the body is read) and hands the tenant to
 * handler methods as a {@link Tenant} parameter.
 */
class TenantHeader implements HandlerInterceptor, HandlerMethodArgumentResolver {

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!Tenant.isValid(request.getHeader(Tenant.HEADER))) {
            throw new ApiErrorException(ApiError.missingTenant());
        }
        return true;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Tenant.class;
    }

    @Override
    public Tenant resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
            NativeWebRequest webRequest, WebDataBinderFactory binderFactory) {
        String value = webRequest.getHeader(Tenant.HEADER);
        if (!Tenant.isValid(value)) {
            throw new ApiErrorException(ApiError.missingTenant());
        }
        return new Tenant(value);
    }
}
