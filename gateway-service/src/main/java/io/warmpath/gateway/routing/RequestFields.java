package io.warmpath.gateway.routing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.warmpath.contracts.errors.ApiError;
import io.warmpath.contracts.errors.ApiErrorException;
import io.warmpath.contracts.errors.ErrorCode;
import tools.jackson.databind.JsonNode;

/**
 * The request fields the gateway passes on, per endpoint: OpenAI's and vLLM's sampling and structured-output extras.
 * Anything else is a 400 {@code unsupported_field} naming it, before any routing or engine work. Some vLLM fields can
 * change what reaches the model outside the messages and tools the gateway scoped ({@link #OPERATOR_ONLY}: a chat
 * template can carry tools, say), set what Warmpath sets itself ({@code cache_salt}) or jump the queue
 * ({@code priority}); they pass only when an operator allows them by name ({@code warmpath.gateway.request-fields.allow}).
 */
final class RequestFields {

    /** vLLM's sampling and structured-output extras, on both endpoints. */
    private static final Set<String> VLLM_SAMPLING = Set.of("top_k", "min_p", "repetition_penalty", "length_penalty",
            "stop_token_ids", "include_stop_str_in_output", "ignore_eos", "min_tokens", "skip_special_tokens",
            "spaces_between_special_tokens", "truncate_prompt_tokens", "prompt_logprobs", "allowed_token_ids",
            "bad_words", "add_special_tokens", "response_format", "guided_json", "guided_regex", "guided_choice",
            "guided_grammar", "guided_decoding_backend", "guided_whitespace_pattern", "structural_tag",
            "structured_outputs", "return_tokens_as_token_ids", "seed", "logit_bias", "logprobs", "echo", "user");

    private static final Set<String> CHAT = union(VLLM_SAMPLING, Set.of("model", "messages", "audio",
            "frequency_penalty", "function_call", "functions", "max_completion_tokens", "max_tokens", "metadata",
            "modalities", "n", "parallel_tool_calls", "prediction", "presence_penalty", "prompt_cache_key",
            "reasoning_effort", "safety_identifier", "service_tier", "stop", "store", "stream", "stream_options",
            "temperature", "tool_choice", "tools", "top_logprobs", "top_p", "verbosity", "web_search_options",
            "add_generation_prompt", "continue_final_message", "documents"));

    /** vLLM's embeddings request: OpenAI's fields and its own pooling options. */
    private static final Set<String> EMBEDDINGS = Set.of("model", "input", "encoding_format", "dimensions", "user",
            "truncate_prompt_tokens", "add_special_tokens", "normalize");
    private static final Set<String> COMPLETIONS = union(VLLM_SAMPLING, Set.of("model", "prompt", "best_of",
            "frequency_penalty", "max_tokens", "n", "presence_penalty", "stop", "stream", "stream_options", "suffix",
            "temperature", "top_p"));

    /** Passed on only when an operator allows them. */
    static final Set<String> OPERATOR_ONLY = Set.of("chat_template", "chat_template_kwargs", "mm_processor_kwargs",
            "media_io_kwargs", "logits_processors", "vllm_xargs", "kv_transfer_params", "cache_salt", "priority",
            "request_id", "prompt_embeds", "tool_parser");

    private final Set<String> operatorAllowed;

    /** @param operatorAllowed fields an operator allows besides the standard ones */
    RequestFields(List<String> operatorAllowed) {
        this.operatorAllowed = Set.copyOf(operatorAllowed);
    }

    /** Refuses a body with a field the endpoint does not take. */
    void check(InferenceEndpoint endpoint, JsonNode body) {
        Set<String> known = switch (endpoint) {
            case CHAT_COMPLETIONS -> CHAT;
            case EMBEDDINGS -> EMBEDDINGS;
            default -> COMPLETIONS;
        };
        for (String field : body.propertyNames()) {
            if (known.contains(field) || operatorAllowed.contains(field)) {
                continue;
            }
            String problem = OPERATOR_ONLY.contains(field)
                    ? "is not accepted unless an operator allows it (warmpath.gateway.request-fields.allow)"
                    : "is not a field of " + endpoint.path();
            throw new ApiErrorException(new ApiError(ErrorCode.UNSUPPORTED_FIELD, "'" + field + "' " + problem + ".",
                    field, null));
        }
    }

    private static Set<String> union(Set<String> first, Set<String> second) {
        Set<String> all = new HashSet<>(first);
        all.addAll(second);
        return Set.copyOf(all);
    }
}
