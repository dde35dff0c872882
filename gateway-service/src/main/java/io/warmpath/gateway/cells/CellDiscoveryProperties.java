package io.warmpath.gateway.cells;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the cells come from ({@code warmpath.gateway.*}).
 *
 * @param cellsFile a JSON or YAML file listing the cells (see {@link CellsFileDiscovery}); when set it replaces
 *                  Spring Cloud discovery (the simple instances list), and edits to it take effect on the next probe
 */
@ConfigurationProperties("warmpath.gateway")
record CellDiscoveryProperties(@Nullable String cellsFile) {
}
