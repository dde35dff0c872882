package io.warmpath.system;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.warmpath.contracts.WarmpathHeaders;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mutates valid requests of the public API into hostile ones, reproducibly from a seed: values of the wrong type,
 * huge and odd values, missing and unknown members, broken and non-UTF-8 bytes, deep nesting, wrong content types,
 * odd and oversized headers, other methods and mangled paths. One to three mutations per request.
 */
final class ApiFuzzer {

    /** A request as the raw client sends it. */
    record Request(String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {

        Request withHeader(String name, String value) {
            List<Map.Entry<String, String>> changed = new ArrayList<>(headers.stream()
                    .filter(header -> !header.getKey().equalsIgnoreCase(name)).toList());
            changed.add(Map.entry(name, value));
            return new Request(method, target, changed, body);
        }

        Request withoutHeader(String name) {
            return new Request(method, target, headers.stream()
                    .filter(header -> !header.getKey().equalsIgnoreCase(name)).toList(), body);
        }

        Request withBody(byte[] changed) {
            return new Request(method, target, headers, changed);
        }

        @Override
        public String toString() {
            String shownBody = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return method + " " + abbreviate(target) + " " + headers.stream()
                    .map(header -> header.getKey() + "=" + abbreviate(header.getValue())).toList()
                    + " body(" + body.length + ")=" + shownBody;
        }

        private static String abbreviate(String value) {
            return value.length() > 80 ? value.substring(0, 80) + "...(" + value.length() + ")" : value;
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final List<String> CONTENT_TYPES = List.of("text/plain", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/json; charset=nope",
            "application/xml", "*/*", "application/*", "garbage", "", "application/merge-patch+json",
            "application/json;;;");
    private static final List<String> ODD_STRINGS = List.of("", " ", "\u0000", "\ud83d\ude00", "é", "\u202e",
            "null", "true", "-1", "1e400", "../../etc/passwd", "%00", "<script>", "${jndi:ldap://x}",
            "a".repeat(70_000), "wpt_" + "x".repeat(40), "\\", "\"", "\n", "kimi-k2.5\u0000");

    /** Odd but well-formed header values: HTTP itself forbids control characters, and the server refuses those. */
    private static final List<String> HEADER_VALUES = List.of("", " ", "\ud83d\ude00", "é", "null", "-1", "1e400",
            "../../etc/passwd", "%00", "<script>", "${jndi:ldap://x}", "\\", "\"", "a".repeat(5000), "\tx");

    private final Random random;

    ApiFuzzer(long seed) {
        this.random = new Random(seed);
    }

    Request mutate(Request seed) {
        Request request = seed;
        int mutations = 1 + random.nextInt(3);
        for (int i = 0; i < mutations; i++) {
            request = switch (random.nextInt(10)) {
                case 0, 1, 2, 3 -> mutateJson(request);
                case 4 -> mutateBytes(request);
                case 5, 6 -> mutateHeaders(request);
                case 7 -> mutateContentType(request);
                case 8 -> new Request(pick(METHODS), request.target(), request.headers(), request.body());
                default -> mutatePath(request);
            };
        }
        return request;
    }

    private Request mutateJson(Request request) {
        JsonNode root;
        try {
            root = JSON.readTree(request.body());
        } catch (JacksonException e) {
            return mutateBytes(request);
        }
        if (root == null || !root.isContainer()) {
            return request.withBody(JSON.writeValueAsBytes(oddValue()));
        }
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        JsonNode target = pick(containers);
        if (target instanceof ObjectNode object) {
            List<String> names = new ArrayList<>(object.propertyNames());
            switch (random.nextInt(4)) {
                case 0 -> {
                    if (!names.isEmpty()) {
                        object.remove(pick(names));
                    }
                }
                case 1 -> object.set(pick(List.of("chat_template", "chat_template_kwargs", "cache_salt",
                        "guided_json", "tools", "x_unknown", "stream", "n", "best_of", "logprobs", "priority",
                        "stream_options", "max_tokens", "budgets", "data_class", "region")), oddValue());
                default -> {
                    if (!names.isEmpty()) {
                        object.set(pick(names), oddValue());
                    } else {
                        object.set("x", oddValue());
                    }
                }
            }
        } else if (target instanceof ArrayNode array) {
            if (!array.isEmpty() && random.nextBoolean()) {
                array.set(random.nextInt(array.size()), oddValue());
            } else {
                array.add(oddValue());
            }
        }
        return request.withBody(JSON.writeValueAsBytes(root));
    }

    private JsonNode oddValue() {
        return switch (random.nextInt(22)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(-1);
            case 3 -> NODES.numberNode(0);
            case 4 -> NODES.numberNode(Long.MAX_VALUE);
            case 5 -> NODES.numberNode(new java.math.BigDecimal("1e-300000000"));
            case 6 -> NODES.numberNode(new java.math.BigDecimal("9e999999"));
            case 7 -> NODES.numberNode(new java.math.BigInteger("9".repeat(400)));
            case 8 -> NODES.numberNode(1.5);
            case 9 -> NODES.numberNode(Integer.MAX_VALUE + 1L);
            case 10 -> NODES.numberNode(-0.0);
            case 11, 12, 13 -> NODES.stringNode(pick(ODD_STRINGS));
            case 14 -> NODES.arrayNode();
            case 15 -> NODES.objectNode();
            case 16 -> NODES.numberNode(2);
            case 17 -> NODES.stringNode("x".repeat(1 + random.nextInt(3000)));
            case 18 -> {
                ArrayNode many = NODES.arrayNode();
                for (int i = 0; i < 2000; i++) {
                    many.add(i);
                }
                yield many;
            }
            case 19 -> NODES.objectNode().put("role", "user").put("content", "hi");
            case 20 -> NODES.objectNode().set("type", NODES.stringNode("function"));
            default -> NODES.numberNode(random.nextInt(5));
        };
    }

    private Request mutateBytes(Request request) {
        byte[] body = request.body();
        return request.withBody(switch (random.nextInt(9)) {
            case 0 -> body.length < 2 ? new byte[] {'{'} : java.util.Arrays.copyOf(body, random.nextInt(body.length));
            case 1 -> {
                byte[] flipped = body.clone();
                for (int i = 0; i < 1 + random.nextInt(4) && flipped.length > 0; i++) {
                    flipped[random.nextInt(flipped.length)] = (byte) random.nextInt(256);
                }
                yield flipped;
            }
            case 2 -> {
                byte[] binary = new byte[1 + random.nextInt(512)];
                random.nextBytes(binary);
                yield binary;
            }
            case 3 -> new byte[0];
            case 4 -> withInvalidUtf8(body);
            case 5 -> ("[".repeat(5000) + "]".repeat(5000)).getBytes(StandardCharsets.US_ASCII);
            case 6 -> "{\"a\":1,\"a\":2,\"model\":\"m\",\"model\":\"n\"}".getBytes(StandardCharsets.US_ASCII);
            case 7 -> pick(List.of("null", "[]", "\"text\"", "42", "true", "{}", "{\"\":{}}", "\uFEFF{}"))
                    .getBytes(StandardCharsets.UTF_8);
            default -> {
                // Valid JSON, but the first string value holds bytes that are not UTF-8.
                yield withInvalidUtf8(body);
            }
        });
    }

    private byte[] withInvalidUtf8(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        int quote = text.indexOf(":\"");
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xED, (byte) 0xA0, (byte) 0x80};
        if (quote < 0) {
            return bad;
        }
        byte[] head = text.substring(0, quote + 2).getBytes(StandardCharsets.UTF_8);
        byte[] tail = text.substring(quote + 2).getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(bad, 0, out, head.length, bad.length);
        System.arraycopy(tail, 0, out, head.length + bad.length, tail.length);
        return out;
    }

    private Request mutateHeaders(Request request) {
        return switch (random.nextInt(12)) {
            case 0 -> request.withoutHeader("authorization");
            case 1 -> request.withHeader("authorization", pick(List.of("Bearer", "Bearer ", "Bearer a.b.c",
                    "Basic Zm9vOmJhcg==", "bearer x", "Bearer " + "A".repeat(9000), "Token abc", "Bearer é")));
            case 2 -> request.withHeader("x-session-affinity", pick(List.of("", " ", "a".repeat(3000), "é",
                    "wpt_" + Long.toHexString(random.nextLong()), "wpt_", "\t", "x,y", "%00")));
            case 3 -> request.withHeader("x-workflow", pick(List.of("UPPER", "a".repeat(500), "../x", "", "é",
                    "w w")));
            case 4 -> request.withHeader(WarmpathHeaders.TENANT, "other-tenant")
                    .withHeader(WarmpathHeaders.DATA_CLASS, "public");
            case 5 -> request.withHeader("x-padding", "p".repeat(12_000 + random.nextInt(40_000)));
            case 6 -> {
                Request padded = request;
                for (int i = 0; i < 150; i++) {
                    padded = padded.withHeader("x-many-" + i, "v" + i);
                }
                yield padded;
            }
            case 7 -> request.withHeader("accept", pick(List.of("text/event-stream", "application/xml", "garbage",
                    "*/*;q=x")));
            case 8 -> request.withHeader("x-request-id", pick(HEADER_VALUES));
            case 9 -> request.withHeader("idempotency-key", pick(List.of("", "k".repeat(2000), "é")));
            case 10 -> request.withHeader("content-encoding", pick(List.of("gzip", "br", "identity", "x")));
            default -> request.withHeader("te", "trailers");
        };
    }

    private Request mutateContentType(Request request) {
        return random.nextInt(4) == 0 ? request.withoutHeader("content-type")
                : request.withHeader("content-type", pick(CONTENT_TYPES));
    }

    private Request mutatePath(Request request) {
        String target = request.target();
        String mutated = switch (random.nextInt(10)) {
            case 0 -> target + "/";
            case 1 -> target.replace("/v1/", "/v1//");
            case 2 -> target.toUpperCase(java.util.Locale.ROOT);
            case 3 -> target + "/%2e%2e/models";
            case 4 -> target + "?a=%ZZ&b=" + "q".repeat(random.nextInt(100));
            case 5 -> target + "/" + "s".repeat(9000 + random.nextInt(20_000));
            case 6 -> pick(List.of("/v1/nope", "/v2/chat/completions", "/", "/actuator/env", "/internal/resolve",
                    "/cell/status", "/v1/sessions/../../internal/turns", "/.well-known/jwks.json", "/v1/",
                    "/v1/tools", "/v1/tools/nope/invoke", "/v1/embeddings", "/v1/responses"));
            case 7 -> target.replace("/v1/", "/v1/%00/");
            case 8 -> target + ";jsessionid=x";
            default -> target + "#frag";
        };
        return new Request(request.method(), mutated, request.headers(), request.body());
    }

    private static void collectContainers(JsonNode node, List<JsonNode> into) {
        if (node.isContainer()) {
            into.add(node);
            node.values().forEach(child -> collectContainers(child, into));
        }
    }

    private <T> T pick(List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
