package io.warmpath.enginesim;

import io.warmpath.enginesim.engine.EngineConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * Engine options. application.yml maps vLLM's top-level option names onto these ({@code --block-size} becomes
 * {@code engine.block-size}); a null or blank value means the default.
 *
 * @param servedModelName      names clients use for the model; the first is reported (default kimi-k2.5)
 * @param modelProfile         built-in speed/price profile (default: the served name if it is a profile, else kimi-k2.5)
 * @param blockSize            tokens per KV block (default 16)
 * @param maxNumSeqs           most running requests; the rest wait (default 256)
 * @param numGpuBlocksOverride KV cache capacity in blocks (default 4096)
 * @param maxModelLen          context length (default: the profile's)
 * @param timeScale            real seconds per model second (default 1.0; 0.05 runs twenty times faster)
 */
@ConfigurationProperties("engine")
record EngineSimProperties(
        List<String> servedModelName,
        String modelProfile,
        Integer blockSize,
        Integer maxNumSeqs,
        Integer numGpuBlocksOverride,
        Integer maxModelLen,
        Double timeScale) {

    static final String DEFAULT_SERVED_MODEL = "kimi-k2.5";

    EngineSimProperties {
        servedModelName = servedModelName == null
                ? List.of()
                : servedModelName.stream().map(String::strip).filter(name -> !name.isEmpty()).toList();
        if (servedModelName.isEmpty()) {
            servedModelName = List.of(DEFAULT_SERVED_MODEL);
        }
        modelProfile = modelProfile == null || modelProfile.isBlank() ? null : modelProfile.strip();
        blockSize = blockSize == null ? 16 : blockSize;
        maxNumSeqs = maxNumSeqs == null ? 256 : maxNumSeqs;
        numGpuBlocksOverride = numGpuBlocksOverride == null ? EngineConfig.DEFAULT_CAPACITY_BLOCKS : numGpuBlocksOverride;
        timeScale = timeScale == null ? 1.0 : timeScale;
    }
}
