package io.warmpath.policy.policies;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * The raw text of one policy set, as read.
 *
 * @param schema      the Cedar schema (human-readable format), {@code null} when the source has none
 * @param policies    the {@code .cedar} files, by name
 * @param entities    the {@code .json} entity files, by name
 * @param fingerprint a hash of every file's name and content: equal fingerprints, same set
 */
record PolicyFiles(@Nullable String schema, List<NamedText> policies, List<NamedText> entities, String fingerprint) {

    static final String SCHEMA_FILE = "schema.cedarschema";
    private static final String CLASSPATH_DIRECTORY = "policies/";
    private static final List<String> CLASSPATH_FILES = List.of(SCHEMA_FILE, "default.cedar", "tenants.json");

    record NamedText(String name, String text) {
    }

    /**
     * Reads a directory (not recursively). Hidden entries are skipped: a Kubernetes ConfigMap volume keeps its real
     * files in {@code ..data}-style directories and links the visible names to them.
     */
    static PolicyFiles fromDirectory(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new InvalidPolicyException(List.of("policy directory " + directory.getFileName()
                    + " does not exist or is not a directory"));
        }
        try (Stream<Path> listing = Files.list(directory)) {
            List<Path> files = listing
                    .filter(path -> !path.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
            List<NamedText> read = new ArrayList<>();
            for (Path file : files) {
                read.add(new NamedText(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
            }
            return of(read);
        }
        catch (IOException unreadable) {
            throw new InvalidPolicyException(List.of("policy directory cannot be read: "
                    + unreadable.getClass().getSimpleName()));
        }
    }

    /** The defaults shipped in the jar under {@code policies/}. */
    static PolicyFiles fromClasspath() {
        List<NamedText> read = new ArrayList<>();
        for (String name : CLASSPATH_FILES) {
            try (InputStream in = PolicyFiles.class.getClassLoader().getResourceAsStream(CLASSPATH_DIRECTORY + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing classpath resource " + CLASSPATH_DIRECTORY + name);
                }
                read.add(new NamedText(name, new String(in.readAllBytes(), StandardCharsets.UTF_8)));
            }
            catch (IOException unreadable) {
                throw new UncheckedIOException(unreadable);
            }
        }
        return of(read);
    }

    private static PolicyFiles of(List<NamedText> files) {
        String schema = null;
        List<NamedText> policies = new ArrayList<>();
        List<NamedText> entities = new ArrayList<>();
        MessageDigest digest = sha256();
        for (NamedText file : files) {
            digest.update(file.name().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(file.text().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            if (file.name().equals(SCHEMA_FILE)) {
                schema = file.text();
            }
            else if (file.name().endsWith(".cedar")) {
                policies.add(file);
            }
            else if (file.name().endsWith(".json")) {
                entities.add(file);
            }
        }
        return new PolicyFiles(schema, policies, entities, HexFormat.of().formatHex(digest.digest()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
