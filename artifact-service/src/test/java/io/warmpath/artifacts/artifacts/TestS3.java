package io.warmpath.artifacts.artifacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.warmpath.devs3.LocalS3;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The S3 server of the artifact tests, one per test JVM: where a Docker engine answers, the MinIO image
 * docker-compose.yml runs (through Testcontainers, with server-side encryption on, as compose has it); else S3Proxy
 * from dev-s3 (no encryption). One line on stdout says which ran.
 *
 * @param endpoint   the S3 API
 * @param encryption the {@code server-side-encryption} setting the server supports
 */
record TestS3(URI endpoint, String accessKey, String secretKey, String encryption) {

    private static final Pattern COMPOSE_MINIO_IMAGE = Pattern.compile("(?m)^  minio:\\R    image: (\\S+)");
    private static final String MINIO_USER = "warmpath";
    private static final String MINIO_PASSWORD = "warmpath-test-only";

    static TestS3 start() {
        String image = composeMinioImage();
        if (DockerClientFactory.instance().isDockerAvailable()) {
            GenericContainer<?> minio = new GenericContainer<>(DockerImageName.parse(image))
                    .withCommand("server", "/data")
                    .withEnv("MINIO_ROOT_USER", MINIO_USER)
                    .withEnv("MINIO_ROOT_PASSWORD", MINIO_PASSWORD)
                    .withEnv("MINIO_KMS_SECRET_KEY", "warmpath-test-key:IyqsU3kMFloCNup4BsZtf/rmfHVcTgznO2F25CkEH1g=")
                    .withExposedPorts(9000)
                    .waitingFor(Wait.forHttp("/minio/health/ready").forPort(9000)
                            .withStartupTimeout(Duration.ofMinutes(2)));
            minio.start();
            Runtime.getRuntime().addShutdownHook(new Thread(minio::stop));
            URI endpoint = URI.create("http://" + minio.getHost() + ":" + minio.getMappedPort(9000));
            System.out.println("artifact-service tests run against " + image + " (Testcontainers, the image of "
                    + "docker-compose.yml) at " + endpoint);
            return new TestS3(endpoint, MINIO_USER, MINIO_PASSWORD, "AES256");
        }
        LocalS3 local = LocalS3.start();
        Runtime.getRuntime().addShutdownHook(new Thread(local::close));
        System.out.println("artifact-service tests run against S3Proxy at " + local.endpoint()
                + " (no Docker engine for Testcontainers to run " + image + ")");
        // S3Proxy answers 501 to any server-side encryption header.
        return new TestS3(local.endpoint(), LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY, "none");
    }

    private static String composeMinioImage() {
        try {
            Matcher image = COMPOSE_MINIO_IMAGE.matcher(Files.readString(Path.of("..", "docker-compose.yml")));
            if (!image.find()) {
                throw new IllegalStateException("docker-compose.yml has no minio service with an image");
            }
            return image.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
