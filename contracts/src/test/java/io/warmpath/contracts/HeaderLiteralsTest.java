package io.warmpath.contracts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warmpath's header names live in {@link WarmpathHeaders} only: a literal {@code "x-warmpath-...} anywhere else in
 * the project's Java sources, main or test, fails the build, so a renamed or retired header cannot survive in a
 * copy.
 */
class HeaderLiteralsTest {

    private static final String LITERAL = "\"" + WarmpathHeaders.PREFIX;

    @Test
    void noJavaSourceOutsideTheContractsModuleSpellsAWarmpathHeader() {
        Path project = Path.of("").toAbsolutePath().getParent();
        assertThat(project.resolve("pom.xml")).as("the project root").exists();
        List<String> offenders;
        try (Stream<Path> files = Files.walk(project)) {
            offenders = files
                    .filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !file.startsWith(project.resolve("contracts")))
                    .filter(file -> isSource(project.relativize(file)))
                    .filter(HeaderLiteralsTest::spellsAHeader)
                    .map(file -> project.relativize(file).toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertThat(offenders).as("files with an x-warmpath- literal; use WarmpathHeaders").isEmpty();
    }

    @Test
    void theScanSeesALiteralWhereThereIsOne() throws IOException {
        Path file = Files.createTempFile("Offender", ".java");
        try {
            Files.writeString(file, "class Offender { String h = \"X-Warmpath-Tenant\"; }");
            assertThat(spellsAHeader(file)).isTrue();
            Files.writeString(file, "class Fine { String h = WarmpathHeaders.TENANT; }");
            assertThat(spellsAHeader(file)).isFalse();
        } finally {
            Files.delete(file);
        }
    }

    /** Sources of a module ({@code <module>/src/...}), not build output or other checkouts. */
    private static boolean isSource(Path relative) {
        return relative.getNameCount() > 2 && relative.getName(1).toString().equals("src");
    }

    private static boolean spellsAHeader(Path file) {
        try {
            return Files.readString(file).toLowerCase(Locale.ROOT).contains(LITERAL);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
