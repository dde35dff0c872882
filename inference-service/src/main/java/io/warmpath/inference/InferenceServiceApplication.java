package io.warmpath.inference;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * One inference cell: an OpenAI-compatible front for exactly one vLLM-compatible engine.
 * Choosing a cell is choosing a prefix cache, which is why the gateway routes to cells, not engines.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class InferenceServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(InferenceServiceApplication.class, args);
    }
}
