package io.warmpath.policy.policies;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** Policy directories for tests, seeded with the shipped defaults. */
public final class PolicyDirectories {

    private PolicyDirectories() {
    }

    /** A new temporary directory holding a copy of the classpath defaults. */
    public static Path withDefaults() {
        try {
            Path directory = Files.createTempDirectory("policies");
            for (String name : List.of(PolicyFiles.SCHEMA_FILE, "default.cedar", "tenants.json")) {
                try (InputStream in = PolicyDirectories.class.getClassLoader()
                        .getResourceAsStream("policies/" + name)) {
                    Files.copy(in, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return directory;
        }
        catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    /** Replaces a file the way an editor or a ConfigMap update does: write aside, then move into place. */
    public static void write(Path directory, String name, String content) {
        try {
            Path aside = Files.createTempFile(directory.getParent(), name, ".tmp");
            Files.writeString(aside, content);
            Files.move(aside, directory.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }
}
