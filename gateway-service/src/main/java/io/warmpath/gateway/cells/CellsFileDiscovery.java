package io.warmpath.gateway.cells;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The inference cells listed in a file ({@code warmpath.gateway.cells-file}), so that cells can be added and removed
 * at run time, as with a mounted ConfigMap: a JSON list (YAML when the name ends in {@code .yml} or {@code .yaml}) of
 * <pre>{"uri": "http://10.0.0.7:8090", "cell-id": "cell-7", "model": "kimi-k2.5", "region": "eu-1"}</pre>
 * Every field but {@code uri} becomes discovery metadata (so {@code prefill-tokens-per-second} may be given too).
 *
 * <p>{@link CellProber} asks on every tick; the file is read again only when its modification time or size changed.
 * A file that cannot be read or parsed is reported and the last good list kept, so a bad edit does not empty the
 * pool.
 */
final class CellsFileDiscovery extends CellSource {

    private static final Logger log = LoggerFactory.getLogger(CellsFileDiscovery.class);

    private final Path file;
    private final JsonMapper json;
    private @Nullable FileVersion readVersion;
    private List<ServiceInstance> cells = List.of();

    CellsFileDiscovery(Path file, JsonMapper json) {
        this.file = file;
        this.json = json;
    }

    @Override
    public String description() {
        return "Inference cells from " + file.getFileName();
    }

    /** The cells as of the file's latest version. */
    @Override
    synchronized List<ServiceInstance> current() {
        FileVersion version;
        try {
            version = new FileVersion(Files.getLastModifiedTime(file), Files.size(file));
        } catch (IOException unreadable) {
            if (readVersion != null || cells.isEmpty()) {
                log.warn("Cannot read the cells file {} ({}); keeping {} known cells", file, unreadable.toString(),
                        cells.size());
            }
            readVersion = null;
            return cells;
        }
        if (version.equals(readVersion)) {
            return cells;
        }
        readVersion = version;
        try {
            cells = parse(Files.readString(file));
            log.info("Read {} cells from {}", cells.size(), file);
        } catch (IOException | RuntimeException invalid) {
            log.warn("Ignoring the cells file {}: {}; keeping {} known cells", file, invalid.getMessage(), cells.size());
        }
        return cells;
    }

    List<ServiceInstance> parse(String text) {
        List<Map<String, Object>> entries = isYaml() ? parseYaml(text) : parseJson(text);
        List<ServiceInstance> parsed = new ArrayList<>();
        for (Map<String, Object> entry : entries) {
            parsed.add(toInstance(entry));
        }
        return List.copyOf(parsed);
    }

    private static ServiceInstance toInstance(Map<String, Object> entry) {
        Object uriValue = entry.get("uri");
        Object idValue = entry.get(CellIds.CELL_ID);
        if (uriValue == null || idValue == null || idValue.toString().isBlank()) {
            throw new IllegalArgumentException("every cell needs \"uri\" and \"" + CellIds.CELL_ID + "\"");
        }
        URI uri = URI.create(uriValue.toString());
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("cell " + idValue + " has no host in its uri");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        entry.forEach((name, value) -> {
            if (!"uri".equals(name) && value != null) {
                metadata.put(name, value.toString());
            }
        });
        boolean secure = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() >= 0 ? uri.getPort() : secure ? 443 : 80;
        return new DefaultServiceInstance(idValue.toString(), CellRegistry.SERVICE_ID, uri.getHost(), port, secure,
                metadata);
    }

    private boolean isYaml() {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yml") || name.endsWith(".yaml");
    }

    private List<Map<String, Object>> parseJson(String text) {
        try {
            return json.readValue(text, new TypeReference<List<Map<String, Object>>>() {
            });
        } catch (JacksonException malformed) {
            throw new IllegalArgumentException("not a JSON list of cells (" + malformed.getOriginalMessage() + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> parseYaml(String text) {
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (loaded == null) {
            return List.of();
        }
        if (!(loaded instanceof List<?> list) || !list.stream().allMatch(Map.class::isInstance)) {
            throw new IllegalArgumentException("not a YAML list of cells");
        }
        return (List<Map<String, Object>>) loaded;
    }

    private record FileVersion(FileTime modified, long size) {
    }
}
