package io.warmpath.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class RedactorTest {

    /** 24 letters and digits: the body of the vendor keys below, which are assembled so no key is written out. */
    private static final String KEY_BODY = "0123456789abcdefGHIJKLMN";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Redactor redactor = Redactor.standard();

    private String redact(String text) {
        return redactor.redact(text);
    }

    @Test
    void cleanTextComesBackAsTheSameInstance() {
        String line = "Cell cell-2 is now healthy after 3 probes";
        assertThat(redactor.redact(line)).isSameAs(line);
    }

    @Test
    void cleanJsonWithTokenCountsComesBackAsTheSameInstance() {
        String usage = "{\"model\":\"llama-3-8b\",\"max_tokens\":100,\"usage\":{\"prompt_tokens\":512,"
                + "\"completion_tokens\":128,\"total_tokens\":640}}";
        assertThat(redactor.redact(usage)).isSameAs(usage);
    }

    @Test
    void nullAndEmptyPassThrough() {
        assertThat(redactor.redact(null)).isNull();
        assertThat(redactor.redact("")).isEmpty();
    }

    @Test
    void everyFindingInALineIsReplacedAndTheRestKept() {
        String line = "user alice@example.com paid with 4111 1111 1111 1111 using key "
                + "sk-proj-AbCdEfGhIjKlMnOpQrStUvWx12";
        assertThat(redact(line)).isEqualTo(
                "user [REDACTED:email] paid with [REDACTED:card] using key [REDACTED:api_key]");
    }

    @Test
    void exceptionMessagesAreRedacted() {
        assertThat(redactor.messageOf(new IllegalArgumentException("bad token wpt_" + "a".repeat(43))))
                .isEqualTo("bad token [REDACTED:warmpath_token]");
    }

    @Nested
    class ApiKeysAndTokens {

        @ParameterizedTest
        @ValueSource(strings = {"sk-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd",
                "sk-proj-AbCdEf_GhIjKl-MnOpQrStUvWxYz0123456789", "sk-svcacct-0123456789abcdefghijKLMNOP"})
        void openAiKeysAreRedacted(String key) {
            assertThat(redact("Authorization failed for " + key + ".")).isEqualTo(
                    "Authorization failed for [REDACTED:api_key].");
        }

        @ParameterizedTest
        @ValueSource(strings = {"task-runner-abcdefghijklmnopqrstuvwxyz", "sk-short", "disk-usage-is-high-on-node-3"})
        void wordsContainingSkDashAreKept(String text) {
            assertThat(redact(text)).isEqualTo(text);
        }

        @Test
        void awsAccessKeyIdsAreRedacted() {
            assertThat(redact("id=AKIAIOSFODNN7EXAMPLE and ASIAY34FZKBOKMUTVV7A"))
                    .isEqualTo("id=[REDACTED:aws_access_key] and [REDACTED:aws_access_key]");
        }

        @Test
        void awsSecretKeysAreRedactedNextToTheirName() {
            assertThat(redact("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
                    .isEqualTo("aws_secret_access_key = [REDACTED:aws_secret_key]");
            assertThat(redact("{\"SecretAccessKey\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"}"))
                    .isEqualTo("{\"SecretAccessKey\": \"[REDACTED:aws_secret_key]\"}");
        }

        @Test
        void fortyCharacterValuesWithoutASecretNameAreKept() {
            String sha1 = "commit 3f786850e387550fdab836ed7e6dc881de23001b";
            assertThat(redact(sha1)).isEqualTo(sha1);
        }

        @ParameterizedTest
        @ValueSource(strings = {"ghp_0123456789abcdefghijABCDEFGHIJ012345", "gho_0123456789abcdefghijABCDEFGHIJ012345",
                "ghs_0123456789abcdefghijABCDEFGHIJ012345",
                "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS"})
        void gitHubTokensAreRedacted(String token) {
            assertThat(redact("token: " + token)).isEqualTo("token: [REDACTED:github_token]");
        }

        @ParameterizedTest
        @ValueSource(strings = {"ghu_0123456789abcdefghijABCDEFGHIJ012345", "ghr_0123456789abcdefghijABCDEFGHIJ012345"})
        void gitHubUserToServerAndRefreshTokensAreRedacted(String token) {
            assertThat(redact("token: " + token)).isEqualTo("token: [REDACTED:github_token]");
        }

        @ParameterizedTest
        @ValueSource(strings = {"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "xoxp-1234567890-abcdef",
                "xoxa-2-1234567890abc", "xoxr-1234567890-abc", "xoxs-1234567890-abc"})
        void slackTokensAreRedacted(String token) {
            assertThat(redact(token + " rejected")).isEqualTo("[REDACTED:slack_token] rejected");
        }

        @ParameterizedTest
        @ValueSource(strings = {"xoxe-1-My0xLTEyMzQ1Njc4OTAtYWJj", "xoxc-1234567890-1234567890-abcdef",
                "xoxd-AbCdEf%2BGhIjKl", "xoxe.xoxp-1-Mi0yLTEyMzQ1Njc4OTAtYWJj"})
        void slackRefreshClientAndCookieTokensAreRedactedWhole(String token) {
            assertThat(redact("slack said " + token)).isEqualTo("slack said [REDACTED:slack_token]");
        }

        @Test
        void jwtsAreRedactedIncludingUnsignedOnes() {
            String signed = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSIsInRlbmFudCI6ImFjbWUifQ.c2lnbmF0dXJlLWJ5dGVz";
            String unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9.";
            assertThat(redact("Bearer " + signed)).isEqualTo("Bearer [REDACTED:jwt]");
            assertThat(redact("token " + unsigned + " end")).isEqualTo("token [REDACTED:jwt] end");
        }

        @Test
        void pemPrivateKeysAreRedactedWholeEvenWhenCutOff() {
            String key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n"
                    + "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n"
                    + "-----END RSA PRIVATE KEY-----";
            assertThat(redact("key:\n" + key + "\nloaded")).isEqualTo("key:\n[REDACTED:private_key]\nloaded");
            assertThat(redact("-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC"))
                    .isEqualTo("[REDACTED:private_key]");
        }

        @Test
        void publicKeysAndCertificatesAreKept() {
            String publicKey = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1L\n"
                    + "-----END PUBLIC KEY-----";
            assertThat(redact(publicKey)).isEqualTo(publicKey);
        }

        @Test
        void warmpathAffinityTokensAreRedacted() {
            String token = "wpt_Q2hhbmdlIHRoaXMgdG9rZW4gYmVmb3JlIHVzZSBwbGVhc2Ux";
            assertThat(redact("x-session-affinity: " + token))
                    .isEqualTo("x-session-affinity: [REDACTED:warmpath_token]");
        }

        @Test
        void warmpathApiKeysAreRedactedEvenBareInATranscript() {
            String key = "wpk_" + "Zm9vYmFyLWJhei1xdXV4LWNvcmdlLWdyYXVsdC1nYXJwbHk".substring(0, 43);
            assertThat(Redactor.secrets().redact("my key is " + key + ", use it"))
                    .isEqualTo("my key is [REDACTED:warmpath_api_key], use it");
        }

        @Test
        void credentialsInQueryStringsAndSettingsAreRedacted() {
            String url = "https://generativelanguage.googleapis.com/v1/models";
            assertThat(redact("GET " + url + "?key=AIzaSyA1b2C3d4E5f6G7&alt=sse"))
                    .isEqualTo("GET " + url + "?key=[REDACTED:credential]&alt=sse");
            assertThat(redact("connecting with password=hunter2hunter2 to db"))
                    .isEqualTo("connecting with password=[REDACTED:credential] to db");
        }
    }

    @Nested
    class VendorKeys {

        @ParameterizedTest
        @ValueSource(strings = {"sk_live_", "sk_test_", "rk_live_", "rk_test_"})
        void stripeSecretAndRestrictedKeysAreRedacted(String prefix) {
            assertThat(redact("stripe rejected " + prefix + KEY_BODY + "xyz"))
                    .isEqualTo("stripe rejected [REDACTED:stripe_key]");
        }

        @Test
        void stripeWebhookSigningSecretsAreRedacted() {
            assertThat(redact("whsec=" + "whsec_" + KEY_BODY + "AbCdEfGh")).isEqualTo("whsec=[REDACTED:stripe_key]");
        }

        @ParameterizedTest
        @ValueSource(strings = {"pk_live_", "pk_test_"})
        void stripePublishableKeysAreKeptBecauseTheyArePublicByDesign(String prefix) {
            String line = "checkout uses " + prefix + KEY_BODY;
            assertThat(redact(line)).isEqualTo(line);
        }

        @Test
        void googleApiKeysAreRedacted() {
            String key = "AIza" + "Sy" + KEY_BODY + "_-abcdefg";
            assertThat(key).hasSize(39);
            assertThat(redact("gemini key " + key + " invalid"))
                    .isEqualTo("gemini key [REDACTED:google_api_key] invalid");
        }

        @Test
        void aizaFollowedByTheWrongLengthIsNotAGoogleKey() {
            String tooShort = "AIza" + KEY_BODY + "abcdefghij";
            String tooLong = "AIza" + KEY_BODY + "abcdefghijklm";
            assertThat(redact(tooShort + " " + tooLong)).isEqualTo(tooShort + " " + tooLong);
        }

        @Test
        void huggingFaceTokensAreRedacted() {
            assertThat(redact("HF hub token hf_" + KEY_BODY + "abcdefghij"))
                    .isEqualTo("HF hub token [REDACTED:huggingface_token]");
        }

        @ParameterizedTest
        @ValueSource(strings = {"hf_hub_download(repo_id=meta-llama/Llama-3.1-8B)", "HF_HUB_ENABLE_HF_TRANSFER=1",
                "use_hf_" + "abcdefghijklmnopqrstuvwxyz012345"})
        void huggingFaceIdentifiersAreKept(String text) {
            assertThat(redact(text)).isEqualTo(text);
        }
    }

    @Nested
    class AuthorizationAndBearerTokens {

        @ParameterizedTest
        @ValueSource(strings = {"Bearer", "Basic", "Token", "bearer"})
        void authorizationHeaderCredentialsAreRedactedWhateverTheSchemeAndTheSchemeKept(String scheme) {
            assertThat(redact("Authorization: " + scheme + " abc"))
                    .isEqualTo("Authorization: " + scheme + " [REDACTED:authorization]");
        }

        @Test
        void basicCredentialsInALowerCaseHeaderAreRedacted() {
            assertThat(redact("authorization: Basic dXNlcjpodW50ZXIy\r\naccept: */*"))
                    .isEqualTo("authorization: Basic [REDACTED:authorization]\r\naccept: */*");
        }

        @Test
        void authorizationWithoutASchemeIsRedacted() {
            assertThat(redact("Proxy-Authorization: c2VjcmV0"))
                    .isEqualTo("Proxy-Authorization: [REDACTED:authorization]");
        }

        @Test
        void authorizationInAnEnvironmentVariableIsRedacted() {
            assertThat(redact("HTTP_AUTHORIZATION=Bearer abc123"))
                    .isEqualTo("HTTP_AUTHORIZATION=Bearer [REDACTED:authorization]");
        }

        @Test
        void authorizationInJsonMapsAndSpringHeadersIsRedacted() {
            assertThat(redact("{\"Authorization\": \"Bearer opaque-token\", \"Accept\": \"*/*\"}"))
                    .isEqualTo("{\"Authorization\": \"Bearer [REDACTED:authorization]\", \"Accept\": \"*/*\"}");
            assertThat(redact("{authorization=[Basic dXNlcjpwYXNz], accept=[*/*]}"))
                    .isEqualTo("{authorization=[Basic [REDACTED:authorization]], accept=[*/*]}");
            assertThat(redact("[Authorization:\"Token t0k3n\", Accept:\"*/*\"]"))
                    .isEqualTo("[Authorization:\"Token [REDACTED:authorization]\", Accept:\"*/*\"]");
        }

        @Test
        void aJwtInAnAuthorizationHeaderKeepsItsKind() {
            String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz";
            assertThat(redact("Authorization: Bearer " + jwt)).isEqualTo("Authorization: Bearer [REDACTED:jwt]");
            assertThat(redact("Authorization: " + jwt)).isEqualTo("Authorization: [REDACTED:jwt]");
        }

        @ParameterizedTest
        @ValueSource(strings = {"0123abcd", "abc.def_ghi-jkl~mno+pqr/stu1==", "AbCdEfGhIjKlMnOpQrStUv"})
        void opaqueBearerTokensAreRedactedAnywhere(String token) {
            assertThat(redact("retrying with Bearer " + token + ", attempt 2"))
                    .isEqualTo("retrying with Bearer [REDACTED:bearer_token], attempt 2");
        }

        @Test
        void aBearerTokenAtTheEndOfASentenceLeavesTheFullStop() {
            assertThat(redact("upstream refused bearer 9f8e7d6c5b4a."))
                    .isEqualTo("upstream refused bearer [REDACTED:bearer_token].");
        }

        @ParameterizedTest
        @ValueSource(strings = {"Missing Bearer token.", "Expected Bearer authentication for /v1/chat/completions",
                "WWW-Authenticate: Bearer realm=\"warmpath\", error=\"invalid_token\"",
                "{\"token_type\": \"Bearer\", \"expires_in\": 3600}", "Authorization failed for tenant acme"})
        void wordsAfterBearerAndAuthorizationProseAreKept(String text) {
            assertThat(redact(text)).isEqualTo(text);
        }
    }

    @Nested
    class CredentialNamedValues {

        @ParameterizedTest
        @ValueSource(strings = {"password", "passwd", "passphrase", "api_key", "apiKey", "api-key", "x-api-key",
                "secret", "client_secret", "clientSecret", "access_token", "refresh_token", "id_token", "private_key",
                "secret_key", "DB_PASSWORD", "credentials"})
        void stringValuesOfCredentialNamedJsonMembersAreRedactedAndTheNameKept(String name) {
            assertThat(redact("{\"" + name + "\": \"hunter2\", \"user\": \"bob\"}"))
                    .isEqualTo("{\"" + name + "\": \"[REDACTED:credential]\", \"user\": \"bob\"}");
        }

        @Test
        void compactJsonIsRedactedMemberByMember() {
            assertThat(redact("{\"user\":\"bob\",\"password\":\"hunter2\",\"apiKey\":\"abc\",\"max_tokens\":100}"))
                    .isEqualTo("{\"user\":\"bob\",\"password\":\"[REDACTED:credential]\","
                            + "\"apiKey\":\"[REDACTED:credential]\",\"max_tokens\":100}");
        }

        @Test
        void prettyPrintedJsonIsRedactedEscapedQuotesAndAll() {
            ObjectNode body = JSON.createObjectNode().put("user", "bob").put("password", "pa ss \"w0rd\" \\ end")
                    .put("max_tokens", 100);
            String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body);

            assertThat(redact(pretty)).isEqualTo(pretty.replace("pa ss \\\"w0rd\\\" \\\\ end", "[REDACTED:credential]"))
                    .contains("\"password\" : \"[REDACTED:credential]\"").contains("\"max_tokens\" : 100")
                    .doesNotContain("w0rd");
        }

        @Test
        void jsonQuotedInsideAJsonStringIsRedacted() {
            ObjectNode body = JSON.createObjectNode().put("password", "hun\"ter2").put("user", "bob");
            String quoted = JSON.writeValueAsString(JSON.writeValueAsString(body));

            assertThat(redact("upstream body " + quoted))
                    .isEqualTo("upstream body \"{\\\"password\\\":\\\"[REDACTED:credential]\\\","
                            + "\\\"user\\\":\\\"bob\\\"}\"");
        }

        @Test
        void singleQuotedMembersAreRedacted() {
            assertThat(redact("{'client_secret': 'it\\'s a secret', 'region': 'eu'}"))
                    .isEqualTo("{'client_secret': '[REDACTED:credential]', 'region': 'eu'}");
        }

        @Test
        void numericValuesOfCredentialNamedMembersAreRedacted() {
            assertThat(redact("{\"api_key\": 12345678, \"pin\": 1234}"))
                    .isEqualTo("{\"api_key\": [REDACTED:credential], \"pin\": 1234}");
        }

        @Test
        void nullAndBooleanValuesSayNothingAndAreKept() {
            String text = "{\"password\": null, \"secret\": false, \"api_key\": true, \"access_token\": \"null\"}";
            assertThat(redact(text)).isEqualTo(text);
        }

        @Test
        void aValueAnotherDetectorRedactedKeepsItsKind() {
            assertThat(redact("{\"api_key\": \"sk-proj-AbCdEfGhIjKlMnOpQrStUvWx12\"}"))
                    .isEqualTo("{\"api_key\": \"[REDACTED:api_key]\"}");
        }

        @Test
        void plainTokenNamesAreRedactedWhenTheValueLooksLikeAToken() {
            assertThat(redact("{\"token\": \"" + KEY_BODY + "\", \"slackBotToken\": \"" + KEY_BODY + "\"}"))
                    .isEqualTo("{\"token\": \"[REDACTED:credential]\", \"slackBotToken\": \"[REDACTED:credential]\"}");
            assertThat(redact("GET /v1/stream?token=" + KEY_BODY + "&alt=sse"))
                    .isEqualTo("GET /v1/stream?token=[REDACTED:credential]&alt=sse");
        }

        @Test
        void credentialTokenNamesAreRedactedWhateverTheValue() {
            assertThat(redact("{\"session_token\": \"short\", \"accessToken\": \"a b\"}"))
                    .isEqualTo("{\"session_token\": \"[REDACTED:credential]\", "
                            + "\"accessToken\": \"[REDACTED:credential]\"}");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "{\"max_tokens\": 100, \"prompt_tokens\": 512, \"token_count\": 7, \"max_token\": 100}",
                "{\"token\": \"Hello\", \"logprob\": -0.31, \"top_logprobs\": [{\"token\": \" world\"}]}",
                "{\"eos_token\": \"</s>\", \"pad_token\": \"<|endoftext|>\", \"token\": \"understanding\"}",
                "{\"token_type\": \"Bearer\", \"tokens\": [1, 2], \"tokenizer\": \"llama-3-tokenizer-v2\"}",
                "{\"key\": \"session-1234\", \"cache_key\": \"prefix-abcdef\", \"monkey\": \"banana\"}",
                "{\"password_policy\": \"strong\", \"secret_name\": \"db-creds\", \"compassword\": \"x1234\"}",
                "{\"passwordless\": \"enabled\", \"api_key_id\": \"key-0042\", \"secrets\": \"vault\"}",
                "Access denied for user 'app' (using password: YES)"})
        void tokenCountsTokenizerTextAndOtherNamesAreKept(String text) {
            assertThat(redact(text)).isEqualTo(text);
        }

        @ParameterizedTest
        @CsvSource(delimiterString = " -> ", value = {
                "password: hunter2 -> password: [REDACTED:credential]",
                "password = \"hunter 2\" -> password = \"[REDACTED:credential]\"",
                "spring.datasource.password=hunter2 -> spring.datasource.password=[REDACTED:credential]",
                "OPENAI_API_KEY=abcd1234 -> OPENAI_API_KEY=[REDACTED:credential]",
                "--client-secret=hunter2 -> --client-secret=[REDACTED:credential]",
                "X-Api-Key: abcd1234 -> X-Api-Key: [REDACTED:credential]",
                "dbPassword: hunter2 -> dbPassword: [REDACTED:credential]",
                "Login[user=bob, password=hunter2] -> Login[user=bob, password=[REDACTED:credential]]",
                "{password=hunter2, user=bob} -> {password=[REDACTED:credential], user=bob}"})
        void yamlPropertiesEnvironmentHeaderAndToStringValuesAreRedacted(String setting, String redacted) {
            assertThat(redact(setting)).isEqualTo(redacted);
        }

        @Test
        void aValueOfThousandsOfEscapesIsRedactedToTheEndOfTheLineWithoutExhaustingTheStack() {
            String text = "{\"password\": \"" + "\\\\".repeat(50_000) + "\"}\nnext line";
            assertThat(redact(text)).isEqualTo("{\"password\": \"[REDACTED:credential]\nnext line");
        }
    }

    @Nested
    class Emails {

        @ParameterizedTest
        @ValueSource(strings = {"alice@example.com", "bob.smith+agents@mail.example.co.uk", "ops_team@sub-domain.io"})
        void addressesAreRedacted(String address) {
            assertThat(redact("<" + address + ">")).isEqualTo("<[REDACTED:email]>");
        }

        @ParameterizedTest
        @ValueSource(strings = {"java.lang.Object@1b6d3586", "io.warmpath.Cell@7f31245a", "@Component",
                "user@localhost"})
        void objectIdentitiesAndAnnotationsAreKept(String text) {
            assertThat(redact(text)).isEqualTo(text);
        }
    }

    @Nested
    class PhoneNumbers {

        @ParameterizedTest
        @ValueSource(strings = {"+49 30 1234567", "+442079460958", "+1 (555) 123-4567", "+33 6 12 34 56 78",
                "(555) 123-4567", "555-123-4567", "555.123.4567", "020 7946 0958", "030 1234567", "0171-2345678"})
        void internationalAndNationalFormatsAreRedacted(String number) {
            assertThat(redact("call " + number + " now")).isEqualTo("call [REDACTED:phone] now");
        }

        @ParameterizedTest
        @ValueSource(strings = {"2024-06-10T12:30:45.123Z", "2024-06-10 12:30:45", "10.06.2024", "01/06/2024",
                "1718035200123", "1718035200", "took 1234567 ms", "192.168.1.10:8080", "+02:00", "+0530",
                "1.2.3", "4.0.7", "version 10.0.26100", "123e4567-e89b-12d3-a456-426614174000",
                "order 12345678901", "127.0.0.1:8081", "1e+10", "bytes=1048576"})
        void timestampsIdsAndVersionsAreKept(String text) {
            assertThat(redact(text)).isEqualTo(text);
        }
    }

    @Nested
    class CardNumbers {

        @ParameterizedTest
        @ValueSource(strings = {"4111 1111 1111 1111", "4111111111111111", "5500-0000-0000-0004", "378282246310005",
                "6011 1111 1111 1117", "2223003122003222", "3530111333300000"})
        void luhnValidNumbersAreRedacted(String number) {
            assertThat(redact("card " + number + ", exp 12/29")).isEqualTo("card [REDACTED:card], exp 12/29");
        }

        @ParameterizedTest
        @ValueSource(strings = {"4111 1111 1111 1112", "4111111111111112", "5500-0000-0000-0005"})
        void luhnInvalidNumbersAreKept(String number) {
            assertThat(redact("card " + number)).isEqualTo("card " + number);
        }

        @ParameterizedTest
        @ValueSource(strings = {"1718035200123", "20240610123045", "00000000-0000-0000-0000-000000000000",
                "41111111111111111111111", "3.14159265358979323846", "trace 4bf92f3577b34da6a3ce929d0e0e4736"})
        void timestampsUuidsAndLongerNumbersAreKept(String text) {
            assertThat(redact(text)).isEqualTo(text);
        }
    }

    @Nested
    class Ibans {

        @ParameterizedTest
        @ValueSource(strings = {"DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
                "FR14 2004 1010 0505 0001 3M02 606", "NO9386011117947"})
        void checksumValidIbansAreRedacted(String iban) {
            assertThat(redact("pay to " + iban + " today")).isEqualTo("pay to [REDACTED:iban] today");
        }

        @ParameterizedTest
        @ValueSource(strings = {"DE89 3704 0044 0532 0130 01", "GB83WEST12345698765432"})
        void invalidChecksumsAreKept(String iban) {
            assertThat(redact("pay to " + iban)).isEqualTo("pay to " + iban);
        }

        @Test
        void upperCaseIdentifiersAreKept() {
            String text = "build AB12CDEF3456GHIJ78 of HTTP2 ISO8601";
            assertThat(redact(text)).isEqualTo(text);
        }
    }
}
