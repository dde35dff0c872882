package io.warmpath.contracts.errors;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's error JSON, {@code {"error": {"message", "type", "param", "code"}}}: what every {@code /v1} error answer
 * carries and what a broken stream's last event holds. Read leniently: engines put other things in it (vLLM sends
 * an integer {@code code}).
 *
 * @param error the error
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorBody(@Nullable Detail error) {

    public static ErrorBody of(ApiError error) {
        return new ErrorBody(new Detail(error.message(), error.code().type(), error.param(), error.code().code()));
    }

    /**
     * @param message for humans
     * @param type    OpenAI's error type
     * @param param   the request field at fault; left out when there is none
     * @param code    the stable machine-readable code
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(@Nullable String message, @Nullable String type, @Nullable String param,
            @Nullable Object code) {

        /** The code as a string, whatever JSON type it came as; {@code null} without one. */
        public @Nullable String codeText() {
            return code == null ? null : code.toString();
        }
    }
}
