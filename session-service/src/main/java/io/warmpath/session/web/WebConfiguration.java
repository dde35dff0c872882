package io.warmpath.session.web;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.session.SessionProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class WebConfiguration implements WebMvcConfigurer {

    private final ConcurrencyLimit concurrencyLimit;

    WebConfiguration(SessionProperties properties, MeterRegistry meters) {
        this.concurrencyLimit = new ConcurrencyLimit(properties.maxConcurrentRequests(),
                properties.maxConcurrentRequestsPerTenant(), properties.retryAfter(), meters,
                request -> CallerArguments.currentTenant());
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // Handlers only run for authenticated callers (the security filter answers the rest), so the tenant is known
        // and a request refused for load costs nothing else.
        registry.addInterceptor(concurrencyLimit).addPathPatterns("/v1/**", "/internal/**");
    }

    /** Tomcat's own error answers (a request it refuses before the application sees it) as OpenAI error JSON. */
    @Bean
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> containerErrorReport(JsonMapper json) {
        return ContainerErrorReport.installer(json);
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CallerArguments());
    }
}
