package io.warmpath.bench.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import io.warmpath.contracts.Ids;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code bench artifacts}: the artifact path against the S3 server it stores to, in one run. Rounds of uploads then
 * downloads of same-sized objects, the S3 server direct (the AWS SDK, as artifact-service calls it) and through the
 * gateway, alternating which goes first; throughput as a ratio per round. Then, with {@code --large}, one object of
 * that size streamed up and down through the gateway from a generator (never in this process's memory either), with
 * artifact-service's heap read from its actuator while it passes.
 */
@Command(name = "artifacts", header = "Artifact throughput through the gateway against S3 direct, and a large "
        + "transfer's heap.", description = "Needs a running stack: ./warmpath bench artifacts passes its URLs.")
public final class ArtifactsCommand implements Callable<Integer> {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Option(names = "--gateway", paramLabel = "URL", required = true, description = "The gateway's base URL.")
    private URI gateway;

    @Option(names = "--token", paramLabel = "JWT", required = true,
            description = "Bearer token with artifacts:read and artifacts:write.")
    private String token;

    @Option(names = "--s3", paramLabel = "URL", required = true, description = "The S3 server's base URL.")
    private URI s3;

    @Option(names = "--s3-access-key", paramLabel = "KEY", required = true, description = "S3 access key.")
    private String accessKey;

    @Option(names = "--s3-secret-key", paramLabel = "SECRET", required = true, description = "S3 secret key.")
    private String secretKey;

    @Option(names = "--bucket", paramLabel = "B", defaultValue = "warmpath-bench",
            description = "Bucket of the direct runs, created if missing (default: ${DEFAULT-VALUE}).")
    private String bucket;

    @Option(names = "--object-bytes", paramLabel = "N", defaultValue = "1048576",
            description = "Size of each object (default: ${DEFAULT-VALUE}, 1 MiB).")
    private int objectBytes;

    @Option(names = "--objects", paramLabel = "N", defaultValue = "100",
            description = "Objects per side per round (default: ${DEFAULT-VALUE}).")
    private int objects;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "4",
            description = "Transfers in flight (default: ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "4",
            description = "Rounds, alternating which side goes first (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--large-bytes", paramLabel = "N", defaultValue = "0",
            description = "Also stream one object of this size up and down through the gateway (0: skip).")
    private long largeBytes;

    @Option(names = "--artifacts-management", paramLabel = "URL",
            description = "artifact-service's actuator, for its heap during the large transfer.")
    private @Nullable URI artifactsManagement;

    @Spec
    private CommandSpec spec;

    public ArtifactsCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        if (objectBytes < 1 || objects < 1 || concurrency < 1 || rounds < 1 || largeBytes < 0) {
            throw new ParameterException(spec.commandLine(), "sizes and counts must be positive");
        }
        byte[] payload = new byte[objectBytes];
        new Random(1).nextBytes(payload);
        try (S3Client direct = S3Client.builder().endpointOverride(s3).region(Region.US_EAST_1).forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED).build()) {
            if (direct.listBuckets().buckets().stream().noneMatch(existing -> existing.name().equals(bucket))) {
                direct.createBucket(create -> create.bucket(bucket));
            }
            throughput(direct, payload);
        }
        if (largeBytes > 0) {
            large();
        }
        return 0;
    }

    private void throughput(S3Client direct, byte[] payload) throws Exception {
        double mib = (double) objects * objectBytes / (1024 * 1024);
        out.printf(Locale.ROOT, "%n%d objects of %,d bytes per side per round, %d in flight; MiB/s%n%n", objects,
                objectBytes, concurrency);
        out.println("| round | first | upload direct | upload gateway | ratio | download direct | download gateway "
                + "| ratio |");
        out.println("|---:|---|---:|---:|---:|---:|---:|---:|");
        List<Double> uploadRatios = new ArrayList<>();
        List<Double> downloadRatios = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            boolean directFirst = round % 2 == 1;
            double[] first = directFirst ? directRound(direct, payload, round) : gatewayRound(payload);
            double[] second = directFirst ? gatewayRound(payload) : directRound(direct, payload, round);
            double[] ofDirect = directFirst ? first : second;
            double[] ofGateway = directFirst ? second : first;
            double upload = (mib / ofGateway[0]) / (mib / ofDirect[0]);
            double download = (mib / ofGateway[1]) / (mib / ofDirect[1]);
            uploadRatios.add(upload);
            downloadRatios.add(download);
            out.printf(Locale.ROOT, "| %d | %s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |%n", round,
                    directFirst ? "direct" : "gateway", mib / ofDirect[0], mib / ofGateway[0], upload,
                    mib / ofDirect[1], mib / ofGateway[1], download);
        }
        out.printf(Locale.ROOT, "%nThrough the gateway against S3 direct, median of the rounds: upload %.2f, "
                + "download %.2f%n", median(uploadRatios), median(downloadRatios));
    }

    /** Seconds to upload, then to download, every object straight to the S3 server. */
    private double[] directRound(S3Client direct, byte[] payload, int round) throws Exception {
        String prefix = "bench/" + round + "/" + System.nanoTime() + "/";
        double upload = timed(i -> direct.putObject(put -> put.bucket(bucket).key(prefix + i),
                RequestBody.fromBytes(payload)));
        double download = timed(i -> {
            byte[] back = direct.getObjectAsBytes(get -> get.bucket(bucket).key(prefix + i)).asByteArray();
            check(back.length == payload.length, "a direct download came back short");
        });
        return new double[] {upload, download};
    }

    /** Seconds to upload, then to download, every object through the gateway and artifact-service. */
    private double[] gatewayRound(byte[] payload) throws Exception {
        String[] ids = new String[objects];
        double upload = timed(i -> {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(gateway.resolve(
                    "/v1/artifacts?name=bench&data_class=internal&retention_days=1"))
                    .header("authorization", "Bearer " + token)
                    .header("content-type", "application/octet-stream")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(payload)).build(), HttpResponse.BodyHandlers.ofString());
            check(response.statusCode() == 201, "a gateway upload answered " + response.statusCode() + ": "
                    + response.body());
            ids[i] = JSON.readTree(response.body()).path("id").asString();
        });
        double download = timed(i -> {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(gateway.resolve("/v1/artifacts/" + ids[i]))
                    .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
            check(response.statusCode() == 200 && response.body().length == payload.length,
                    "a gateway download answered " + response.statusCode());
        });
        return new double[] {upload, download};
    }

    private void large() throws Exception {
        out.printf(Locale.ROOT, "%nOne object of %,d bytes through the gateway, streamed from a generator%n%n",
                largeBytes);
        HeapWatch watch = artifactsManagement == null ? null : HeapWatch.start(http, artifactsManagement);
        long before = watch == null ? -1 : watch.current();
        Generated body = new Generated(largeBytes);
        long start = System.nanoTime();
        HttpResponse<String> stored = http.send(HttpRequest.newBuilder(gateway.resolve(
                "/v1/artifacts?name=large.bin&data_class=internal&retention_days=1"))
                .header("authorization", "Bearer " + token)
                .header("content-type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> body), largeBytes)).build(),
                HttpResponse.BodyHandlers.ofString());
        double uploadSeconds = (System.nanoTime() - start) / 1e9;
        check(stored.statusCode() == 201, "the large upload answered " + stored.statusCode() + ": " + stored.body());
        long uploadPeak = watch == null ? -1 : watch.peakAndReset();
        String id = JSON.readTree(stored.body()).path("id").asString();
        check(JSON.readTree(stored.body()).path("sha256").asString().equals(body.sha256()),
                "artifact-service computed another hash than the one sent");

        start = System.nanoTime();
        HttpResponse<InputStream> download = http.send(HttpRequest.newBuilder(gateway.resolve("/v1/artifacts/" + id))
                .header("authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        var digest = Ids.sha256();
        long received = 0;
        try (InputStream in = download.body()) {
            byte[] buffer = new byte[256 * 1024];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, read);
                received += read;
            }
        }
        double downloadSeconds = (System.nanoTime() - start) / 1e9;
        long downloadPeak = watch == null ? -1 : watch.peakAndReset();
        long max = watch == null ? -1 : watch.max();
        if (watch != null) {
            watch.close();
        }
        check(received == largeBytes && HexFormat.of().formatHex(digest.digest()).equals(body.sha256()),
                "the large download did not return the bytes stored");
        double mib = largeBytes / (1024.0 * 1024);
        out.println("| transfer | MiB/s | artifact-service heap used before | peak during | heap max |");
        out.println("|---|---:|---:|---:|---:|");
        out.printf(Locale.ROOT, "| upload | %.1f | %s | %s | %s |%n", mib / uploadSeconds, mebibytes(before),
                mebibytes(uploadPeak), mebibytes(max));
        out.printf(Locale.ROOT, "| download | %.1f | | %s | |%n", mib / downloadSeconds, mebibytes(downloadPeak));
        out.println("\nSame bytes back (SHA-256 of the generator's stream, as artifact-service computed it): yes");
    }

    private double timed(Transfer transfer) throws Exception {
        long start = System.nanoTime();
        AtomicLong next = new AtomicLong();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Void>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(threads.submit(() -> {
                    for (long i; (i = next.getAndIncrement()) < objects; ) {
                        transfer.run((int) i);
                    }
                    return null;
                }));
            }
            for (Future<Void> worker : workers) {
                worker.get();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static String mebibytes(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", bytes / (1024.0 * 1024));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
    }

    private static void check(boolean condition, String failure) {
        if (!condition) {
            throw new IllegalStateException(failure);
        }
    }

    @FunctionalInterface
    private interface Transfer {
        void run(int index) throws IOException, InterruptedException;
    }
}
