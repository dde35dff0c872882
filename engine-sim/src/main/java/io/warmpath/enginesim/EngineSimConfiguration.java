package io.warmpath.enginesim;

import io.warmpath.enginesim.engine.EngineConfig;
import io.warmpath.enginesim.engine.ModelProfile;
import io.warmpath.enginesim.engine.RealTimeScheduler;
import io.warmpath.enginesim.engine.SimulatedEngine;
import io.warmpath.enginesim.tokens.OutputGenerator;
import io.warmpath.enginesim.tokens.PromptTokenizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain-Java engine library into the application. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EngineSimProperties.class)
class EngineSimConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(EngineSimConfiguration.class);

    @Bean
    ServedModel servedModel(EngineSimProperties properties) {
        String profileName = properties.modelProfile() != null
                ? properties.modelProfile()
                : ModelProfile.named(properties.servedModelName().getFirst()).map(ModelProfile::name)
                        .orElse(ModelProfile.KIMI_K2_5.name());
        ModelProfile profile = ModelProfile.named(profileName).orElseThrow(() -> new IllegalStateException(
                "unknown model profile '" + profileName + "'; known: " + ModelProfile.builtInNames()));
        int maxModelLen = properties.maxModelLen() != null ? properties.maxModelLen() : profile.maxModelLen();
        return new ServedModel(properties.servedModelName(), profile, maxModelLen);
    }

    @Bean(destroyMethod = "close")
    RealTimeScheduler engineScheduler(EngineSimProperties properties) {
        return new RealTimeScheduler(properties.timeScale());
    }

    @Bean
    SimulatedEngine simulatedEngine(EngineSimProperties properties, ServedModel servedModel,
                                    RealTimeScheduler engineScheduler) {
        EngineConfig config = new EngineConfig(servedModel.profile(), properties.blockSize(),
                properties.numGpuBlocksOverride(), properties.maxNumSeqs(), servedModel.maxModelLen());
        LOG.info("engine-sim serving {} with profile {}: block size {}, {} KV blocks, max {} sequences, "
                        + "max model len {}, time scale {}", servedModel.names(), config.profile().name(),
                config.blockSize(), config.capacityBlocks(), config.maxNumSeqs(), config.maxModelLen(),
                engineScheduler.timeScale());
        return new SimulatedEngine(config, engineScheduler);
    }

    @Bean
    PromptTokenizer promptTokenizer() {
        return new PromptTokenizer();
    }

    @Bean
    OutputGenerator outputGenerator(PromptTokenizer promptTokenizer) {
        return new OutputGenerator(promptTokenizer);
    }
}
