package io.warmpath.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.warmpath.cli.token.TokenSpec;
import io.warmpath.system.GatewayClient.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Seeds one fresh value of every kind the redactor knows (API keys and tokens, a private key, an email, a phone
 * number, a card number, an IBAN, an affinity token) into every API the gateway serves: chat (JSON and stream),
 * completions, sessions, tools, headers, the bearer token itself, and the error paths (malformed JSON, unknown model,
 * unknown route). Then it stops the stack and reads every service's whole log: none of the values may be there.
 */
class RedactionSystemIT {

    private static final String MODEL = WarmpathStack.MODEL;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Seeds seeds = Seeds.fresh();

    @Test
    void noSeededSecretOrPersonalDataReachesAnyServiceLogOrErrorMessage() throws Exception {
        Instant started = Instant.now();
        Path logs;
        try (WarmpathStack stack = WarmpathStack.start("redaction", 1, 0.02)) {
            logs = stack.logs();
            GatewayClient gateway = new GatewayClient(stack.gateway().url("/"));
            // Many identity providers use an email as the subject: it travels to session-service and policy-service.
            String token = DevCredentials.token(stack.keyDir(), TokenSpec.devDefaults()
                    .withTenant("acme")
                    .withSubject(seeds.email())
                    .withScopes("inference:invoke", "sessions:write", "tools:search"));

            sendThroughInferenceApis(gateway, token);
            sendThroughSessionApis(gateway, token);
            sendThroughErrorPaths(gateway, token);
        }

        Map<String, String> logByService = readLogsWrittenSince(logs, started);
        assertThat(logByService.keySet()).as("service logs").contains("gateway.log", "sessions.log", "cell-1.log",
                "engine-cell-1.log");
        assertThat(logByService.values()).as("every service logged something").allMatch(log -> !log.isBlank());
        logByService.forEach((service, log) -> seeds.all().forEach((kind, value) ->
                assertThat(log).as("%s in %s", kind, service).doesNotContain(value)));
    }

    private void sendThroughInferenceApis(GatewayClient gateway, String token) throws Exception {
        Reply chat = gateway.chat(token, null, chatBody(false));
        assertThat(chat.status()).as(chat.body()).isEqualTo(200);

        Reply streamed = gateway.chat(token, null, chatBody(true));
        assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);

        // An implicit session whose affinity value is itself a secret, and an affinity token nobody issued.
        gateway.chat(token, "agent-" + seeds.githubToken(), chatBody(false));
        gateway.chat(token, seeds.warmpathToken(), chatBody(false));

        ObjectNode completion = GatewayClient.JSON.createObjectNode();
        completion.put("model", MODEL);
        completion.put("max_tokens", 8);
        completion.put("prompt", seeds.asText());
        Reply completed = gateway.post("/v1/completions", token, Map.of("x-workflow", seeds.slackToken()),
                GatewayClient.JSON.writeValueAsString(completion));
        assertThat(completed.status()).as(completed.body()).isEqualTo(200);

        ObjectNode invoke = GatewayClient.JSON.createObjectNode();
        invoke.put("query", seeds.asText());
        gateway.post("/v1/tools/search/invoke", token, Map.of(), GatewayClient.JSON.writeValueAsString(invoke));
    }

    private void sendThroughSessionApis(GatewayClient gateway, String token) throws Exception {
        // Free-text fields the session API validates (refused) or keeps (a region is any [A-Za-z0-9._-]{1,64}).
        ObjectNode refused = GatewayClient.JSON.createObjectNode();
        refused.put("workflow", seeds.email());
        refused.put("region", seeds.iban());
        gateway.post("/v1/sessions", token, Map.of(), GatewayClient.JSON.writeValueAsString(refused));

        ObjectNode created = GatewayClient.JSON.createObjectNode();
        created.put("workflow", "redaction-check");
        created.put("region", seeds.awsAccessKey());
        Reply session = gateway.post("/v1/sessions", token, Map.of(), GatewayClient.JSON.writeValueAsString(created));
        assertThat(session.status()).as(session.body()).isEqualTo(201);
        gateway.chat(token, session.json().path("affinity_token").asString(), chatBody(false));
        Reply usage = gateway.get("/v1/sessions/" + seeds.apiKey() + "/usage", token);
        assertThat(usage.body()).doesNotContain(seeds.apiKey());
    }

    private void sendThroughErrorPaths(GatewayClient gateway, String token) throws Exception {
        Reply malformed = gateway.post("/v1/chat/completions", token, Map.of(),
                "{\"model\": \"" + MODEL + "\", \"messages\": [{\"role\": \"user\", \"content\": \"" + seeds.apiKey());
        assertThat(malformed.status()).isEqualTo(400);

        ObjectNode unknownModel = chatBody(false);
        unknownModel.put("model", seeds.apiKey());
        Reply notServed = gateway.chat(token, null, unknownModel);
        assertThat(notServed.status()).isEqualTo(404);
        assertThat(notServed.body()).as("the error quotes the model, redacted")
                .contains("[REDACTED:api_key]").doesNotContain(seeds.apiKey());

        Reply unknownRoute = gateway.post("/v1/" + seeds.slackToken(), token, Map.of(), "{}");
        assertThat(unknownRoute.status()).isEqualTo(404);
        assertThat(unknownRoute.body()).doesNotContain(seeds.slackToken());

        // A bearer token that is not ours, shaped like a JWT: rejected, and not written down anywhere.
        Reply forged = gateway.chat(seeds.jwt(), null, chatBody(false));
        assertThat(forged.status()).isEqualTo(401);
    }

    private ObjectNode chatBody(boolean stream) {
        ObjectNode body = GatewayClient.JSON.createObjectNode();
        body.put("model", MODEL);
        body.put("max_tokens", 8);
        body.put("user", seeds.email());
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system")
                .put("content", "You keep secrets. Deploy key: " + seeds.privateKey());
        messages.addObject().put("role", "user").put("content", seeds.asText());
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }

    /** Every service's log of this run (the directory may keep logs of services an earlier run started). */
    private static Map<String, String> readLogsWrittenSince(Path logs, Instant started) throws IOException {
        Map<String, String> byService = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".log")).sorted().toList()) {
                if (!Files.getLastModifiedTime(file).toInstant().isBefore(started)) {
                    byService.put(file.getFileName().toString(), Files.readString(file));
                }
            }
        }
        return byService;
    }

    /** One fresh, valid value of each kind, so that nothing else can put it in a log. */
    private record Seeds(String apiKey, String awsAccessKey, String awsSecretKey, String githubToken,
            String slackToken, String jwt, String privateKeyBody, String email, String phone, String card,
            String iban, String warmpathToken) {

        static Seeds fresh() {
            return new Seeds(
                    "sk-proj-" + alphanumeric(40),
                    "AKIA" + upperAlphanumeric(16),
                    alphanumeric(30) + "/" + alphanumeric(9),
                    "ghp_" + alphanumeric(36),
                    "xoxb-" + digits(12) + "-" + alphanumeric(24),
                    "eyJhbGciOiJSUzI1NiJ9." + base64Url("{\"sub\":\"" + alphanumeric(12) + "\"}") + "."
                            + alphanumeric(43),
                    alphanumeric(64),
                    "seed." + alphanumeric(10).toLowerCase() + "@example.com",
                    "+44 20 7946 " + digits(4),
                    cardNumber(),
                    validIban(),
                    "wpt_" + alphanumeric(43));
        }

        String privateKey() {
            return "-----BEGIN PRIVATE KEY-----\n" + privateKeyBody + "\n-----END PRIVATE KEY-----";
        }

        /** Every seed in one text, the way an agent pastes an environment into a prompt. */
        String asText() {
            return "Use key " + apiKey + " and aws_access_key_id=" + awsAccessKey + " aws_secret_access_key="
                    + awsSecretKey + "; push with " + githubToken + ", post to Slack with " + slackToken
                    + ", auth " + jwt + ". Contact " + email + " or " + phone + ". Charge card " + card
                    + " or wire to " + iban + ". Session " + warmpathToken + ". " + privateKey();
        }

        Map<String, String> all() {
            Map<String, String> all = new LinkedHashMap<>();
            all.put("api_key", apiKey);
            all.put("aws_access_key", awsAccessKey);
            all.put("aws_secret_key", awsSecretKey);
            all.put("github_token", githubToken);
            all.put("slack_token", slackToken);
            all.put("jwt", jwt);
            all.put("private_key", privateKeyBody);
            all.put("email", email);
            all.put("phone", phone);
            all.put("card", card);
            all.put("iban", iban);
            all.put("warmpath_token", warmpathToken);
            return all;
        }

        private static String alphanumeric(int length) {
            return pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", length);
        }

        private static String upperAlphanumeric(int length) {
            return pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", length);
        }

        private static String digits(int length) {
            return pick("0123456789", length);
        }

        private static String pick(String alphabet, int length) {
            StringBuilder value = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                value.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
            }
            return value.toString();
        }

        private static String base64Url(String json) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes());
        }

        /** A Visa-like number with a valid Luhn check digit, grouped in fours. */
        private static String cardNumber() {
            String body = "4" + digits(14);
            for (int check = 0; check <= 9; check++) {
                if (luhnValid(body + check)) {
                    String number = body + check;
                    return number.substring(0, 4) + " " + number.substring(4, 8) + " " + number.substring(8, 12)
                            + " " + number.substring(12);
                }
            }
            throw new IllegalStateException("no Luhn check digit");
        }

        private static boolean luhnValid(String number) {
            int sum = 0;
            for (int i = 0; i < number.length(); i++) {
                int digit = number.charAt(number.length() - 1 - i) - '0';
                if (i % 2 == 1) {
                    digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
                }
                sum += digit;
            }
            return sum % 10 == 0;
        }

        /** A German IBAN with a random account and correct mod-97 check digits. */
        private static String validIban() {
            String bban = digits(18);
            // The account, then the country code as digits (D=13, E=14) and check digits 00: mod 97.
            int remainder = 0;
            for (char c : (bban + "131400").toCharArray()) {
                remainder = (remainder * 10 + (c - '0')) % 97;
            }
            return "DE" + String.format("%02d", 98 - remainder) + bban;
        }
    }
}
