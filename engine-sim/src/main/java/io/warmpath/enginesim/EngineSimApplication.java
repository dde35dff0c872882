package io.warmpath.enginesim;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A GPU-free, vLLM-compatible engine: paged prefix cache, latency model, OpenAI API, vLLM metrics.
 * Takes vLLM's option names, e.g. {@code --port=8100 --served-model-name=kimi-k2.5 --time-scale=0.05}.
 */
@SpringBootApplication
public class EngineSimApplication {

    public static void main(String[] args) {
        SpringApplication.run(EngineSimApplication.class, args);
    }
}
