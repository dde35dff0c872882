package io.warmpath.session.web;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.warmpath.contracts.errors.ApiError;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Tomcat's own error answers, for requests it refuses before the application sees them (a malformed percent-escape
 * or an encoded slash in the path, headers too large), as OpenAI error JSON instead of Tomcat's HTML page. It takes
 * the place of the host's {@link ErrorReportValve}; errors the application already answered are left alone.
 */
final class ContainerErrorReport extends ErrorReportValve {

    private final JsonMapper json;

    ContainerErrorReport(JsonMapper json) {
        this.json = json;
    }

    /** Installs the report on the host of the service's context, replacing Tomcat's. */
    static WebServerFactoryCustomizer<TomcatServletWebServerFactory> installer(JsonMapper json) {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.getPipeline().addValve(new ContainerErrorReport(json));
                // The host adds its default report at start unless a valve of this class is there already.
                host.setErrorReportValveClass(ContainerErrorReport.class.getName());
            }
        });
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As Tomcat's report: nothing for a success, for an answer already written, or twice.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        // Tomcat's message can quote the request line; the status says enough.
        ApiError error = status >= 500 ? Errors.internal() : ErrorEndpoint.clientError(status);
        try {
            response.resetBuffer();
            ApiErrorHandler.write(response.getResponse(), error, status, json);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the answer committed: nothing more to send.
        }
    }
}
