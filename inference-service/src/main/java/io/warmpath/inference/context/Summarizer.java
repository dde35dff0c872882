package io.warmpath.inference.context;

import java.util.List;

import io.warmpath.contracts.sessions.Checkpoint;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Writes the summary a checkpoint stands on. */
interface Summarizer {

    /**
     * @param previous the summary of what came before {@code messages}, when a checkpoint already covers it
     * @param messages the chat messages to summarize, oldest first
     * @return the summary and what writing it took; blocking
     */
    Summary summarize(@Nullable String previous, List<JsonNode> messages);

    /**
     * @param text  the summary
     * @param usage the tokens the call took, when the model reported them
     */
    record Summary(String text, Checkpoint.@Nullable SummaryUsage usage) {
    }
}
