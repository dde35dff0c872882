package io.warmpath.redaction.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.logging.LoggingInitializationContext;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Boot's Logback logging system, configured as the services configure it, writing a line full of secrets. */
class RedactedConsoleLoggingTest {

    private static final String LOGGER = "io.warmpath.redaction.test";
    private static final String API_KEY = "sk-proj-LoggingTestKey0123456789abcdef";
    private static final String EMAIL = "carol.logging@example.org";
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYXJvbCJ9.bG9nZ2luZy10ZXN0LXNpZw";
    private static final String CARD = "4000 0566 5566 5556";
    private static final String WARMPATH_TOKEN = "wpt_TG9nZ2luZ1Rlc3RUb2tlbkZvclJlZGFjdGlvbjAx";
    private static final String IBAN = "GB82WEST12345698765432";
    private static final List<String> SEEDED = List.of(API_KEY, EMAIL, JWT, CARD, WARMPATH_TOKEN, IBAN);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void jsonLinesAreRedactedInMessageExceptionCauseChainAndContext() {
        String output = captureConsole(Map.of(), false);

        assertThat(SEEDED).noneMatch(output::contains);
        JsonNode line = lineOfTestLogger(output);
        assertThat(line.path("message").stringValue()).isEqualTo("Request with key [REDACTED:api_key] failed");
        assertThat(line.path("error").path("type").stringValue()).isEqualTo(IllegalStateException.class.getName());
        assertThat(line.path("error").path("message").stringValue()).isEqualTo("call for [REDACTED:email] failed");
        assertThat(line.path("error").path("stack_trace").stringValue())
                .contains("Caused by: java.lang.RuntimeException: upstream said [REDACTED:jwt]")
                .contains("Suppressed: java.lang.IllegalArgumentException: card [REDACTED:card]")
                .contains("RedactedConsoleLoggingTest");
        assertThat(line.path("affinity").stringValue()).isEqualTo("[REDACTED:warmpath_token]");
        assertThat(line.path("payee").stringValue()).isEqualTo("[REDACTED:iban]");
    }

    @Test
    void everyStructuredFormatIsRedacted() {
        for (String format : List.of("logstash", "gelf")) {
            String output = captureConsole(Map.of("logging.structured.format.console", format), false);

            assertThat(output).as(format).contains("[REDACTED:api_key]", "[REDACTED:jwt]", "[REDACTED:email]");
            assertThat(SEEDED).as(format).noneMatch(output::contains);
        }
    }

    @Test
    void localProfilePrintsReadableRedactedLines() {
        String output = captureConsole(Map.of(), true);

        assertThat(output).contains("Request with key [REDACTED:api_key] failed")
                .contains("java.lang.IllegalStateException: call for [REDACTED:email] failed")
                .contains("Caused by: java.lang.RuntimeException: upstream said [REDACTED:jwt]")
                .doesNotStartWith("{");
        assertThat(SEEDED).noneMatch(output::contains);
    }

    private static String captureConsole(Map<String, Object> properties, boolean localProfile) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
        if (localProfile) {
            environment.setActiveProfiles("local");
        }
        LoggingSystem loggingSystem = LoggingSystem.get(RedactedConsoleLoggingTest.class.getClassLoader());
        PrintStream console = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            loggingSystem.beforeInitialize();
            loggingSystem.initialize(new LoggingInitializationContext(environment),
                    "classpath:redacted-console-test.xml", null);
            logFailureFullOfSecrets();
        } finally {
            loggingSystem.cleanUp();
            System.setOut(console);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static void logFailureFullOfSecrets() {
        IllegalStateException failure = new IllegalStateException("call for " + EMAIL + " failed",
                new RuntimeException("upstream said " + JWT));
        failure.addSuppressed(new IllegalArgumentException("card " + CARD));
        MDC.put("payee", IBAN);
        try {
            LoggerFactory.getLogger(LOGGER).atError()
                    .setMessage("Request with key {} failed")
                    .addArgument(API_KEY)
                    .addKeyValue("affinity", WARMPATH_TOKEN)
                    .setCause(failure)
                    .log();
        } finally {
            MDC.remove("payee");
        }
    }

    private static JsonNode lineOfTestLogger(String output) {
        return output.lines()
                .filter(line -> line.startsWith("{"))
                .map(JSON::readTree)
                .filter(line -> LOGGER.equals(line.path("log").path("logger").stringValue()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no JSON line from " + LOGGER + " in:\n" + output));
    }
}
