package io.warmpath.gateway.cells;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.cloud.client.ServiceInstance;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class CellsFileDiscoveryTest {

    @TempDir
    Path dir;

    @Test
    void jsonEntriesBecomeCellInstancesWithTheirMetadata() throws IOException {
        Path file = write(dir.resolve("cells.json"), """
                [{"uri": "http://10.0.0.7:8090", "cell-id": "cell-7", "model": "kimi-k2.5", "region": "eu-1"},
                 {"uri": "https://cells.example:9443", "cell-id": "cell-8", "model": "kimi-k2.5", "region": "eu-1",
                  "prefill-tokens-per-second": 12000}]""", 1);

        List<ServiceInstance> cells = new CellsFileDiscovery(file, JsonMapper.builder().build()).getInstances(CellRegistry.SERVICE_ID).collectList().block();

        assertThat(cells).hasSize(2);
        assertThat(CellIds.of(cells.get(0))).isEqualTo("cell-7");
        assertThat(cells.get(0).getUri().toString()).isEqualTo("http://10.0.0.7:8090");
        assertThat(cells.get(0).getMetadata()).containsEntry("model", "kimi-k2.5").containsEntry("region", "eu-1")
                .doesNotContainKey("uri");
        assertThat(cells.get(1).isSecure()).isTrue();
        assertThat(cells.get(1).getPort()).isEqualTo(9443);
        assertThat(cells.get(1).getMetadata()).containsEntry("prefill-tokens-per-second", "12000");
    }

    @Test
    void yamlFilesAreReadToo() throws IOException {
        Path file = write(dir.resolve("cells.yaml"), """
                - uri: http://127.0.0.1:8090
                  cell-id: cell-1
                  model: kimi-k2.5
                  region: local
                """, 1);

        assertThat(new CellsFileDiscovery(file, JsonMapper.builder().build()).current()).singleElement()
                .satisfies(cell -> assertThat(CellIds.of(cell)).isEqualTo("cell-1"));
    }

    @Test
    void changedFileIsReadAgainAndABadEditKeepsTheLastGoodList() throws IOException {
        Path file = write(dir.resolve("cells.json"), entries("cell-1"), 1);
        CellsFileDiscovery discovery = new CellsFileDiscovery(file, JsonMapper.builder().build());
        assertThat(ids(discovery)).containsExactly("cell-1");

        write(file, entries("cell-1", "cell-2"), 2);
        assertThat(ids(discovery)).containsExactly("cell-1", "cell-2");

        write(file, "[{\"uri\": \"http://127.0.0.1:1\"", 3);
        assertThat(ids(discovery)).as("a malformed file is ignored").containsExactly("cell-1", "cell-2");

        write(file, entries("cell-2"), 4);
        assertThat(ids(discovery)).containsExactly("cell-2");
    }

    @Test
    void entryWithoutCellIdIsRejected() throws IOException {
        Path file = write(dir.resolve("cells.json"), "[{\"uri\": \"http://127.0.0.1:8090\"}]", 1);

        assertThat(new CellsFileDiscovery(file, JsonMapper.builder().build()).current()).isEmpty();
    }

    @Test
    void otherServicesHaveNoInstances() throws IOException {
        Path file = write(dir.resolve("cells.json"), entries("cell-1"), 1);

        assertThat(new CellsFileDiscovery(file, JsonMapper.builder().build()).getInstances("session-service").collectList().block()).isEmpty();
    }

    private static List<String> ids(CellsFileDiscovery discovery) {
        return discovery.current().stream().map(CellIds::of).toList();
    }

    private static String entries(String... ids) {
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < ids.length; i++) {
            json.append(i == 0 ? "" : ",").append("""
                    {"uri": "http://127.0.0.1:%d", "cell-id": "%s", "model": "m", "region": "local"}"""
                    .formatted(8090 + i, ids[i]));
        }
        return json.append(']').toString();
    }

    /** Writes the file with a distinct modification time per version, whatever the file system's granularity. */
    private static Path write(Path file, String text, int version) throws IOException {
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(version)));
        return file;
    }
}
