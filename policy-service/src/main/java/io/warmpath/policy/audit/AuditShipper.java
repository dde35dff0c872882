package io.warmpath.policy.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.warmpath.contracts.audit.AuditKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Ships audit records to the audit bucket: each record joins its tenant's buffer at once, and every
 * {@code flush-interval} each tenant's records are written as one or more objects of at most {@code max-batch}
 * records ({@link AuditKeys}). An object is never overwritten ({@code If-None-Match: *}; its key is unique anyway),
 * so the bucket only ever grows. A batch that cannot be written stays at the head of its tenant's buffer and is
 * written at the next flush, in order; the buffer is bounded ({@code max-buffered}), and records past it are dropped
 * and counted rather than held until the service runs out of memory. On shutdown what is buffered is written once
 * more. Thread-safe: records arrive on request threads, flushes run on one thread of their own.
 */
public final class AuditShipper implements DisposableBean {

    static final String SHIPPED = "warmpath.policy.audit.shipped";
    static final String DROPPED = "warmpath.policy.audit.dropped";
    static final String BATCHES = "warmpath.policy.audit.batches";

    private static final Logger log = LoggerFactory.getLogger(AuditShipper.class);

    private final S3Client s3;
    private final AuditProperties properties;
    private final Clock clock;
    private final String instance;
    private final ServerSideEncryption encryption;
    private final Map<String, Deque<Record>> buffers = new LinkedHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong dropWarnings = new AtomicLong();
    private final MeterRegistry meters;
    private final Counter shipped;
    private final Counter dropped;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "audit-shipper");
        thread.setDaemon(true);
        return thread;
    });
    private int buffered;

    AuditShipper(S3Client s3, AuditProperties properties, MeterRegistry meters, Clock clock) {
        this.s3 = s3;
        this.properties = properties;
        this.clock = clock;
        this.meters = meters;
        this.instance = properties.instance() != null ? properties.instance()
                : UUID.randomUUID().toString().substring(0, 8);
        this.encryption = properties.serverSideEncryption().equalsIgnoreCase("none") ? null
                : ServerSideEncryption.fromValue(properties.serverSideEncryption());
        this.shipped = Counter.builder(SHIPPED).description("Audit records written to the audit bucket")
                .register(meters);
        this.dropped = Counter.builder(DROPPED)
                .description("Audit records never shipped: the buffer was full (the bucket unreachable for long)")
                .register(meters);
        Gauge.builder("warmpath.policy.audit.buffered", this, shipper -> shipper.bufferedRecords())
                .description("Audit records waiting to be written").register(meters);
        long interval = properties.flushInterval().toMillis();
        flusher.scheduleWithFixedDelay(this::flushQuietly, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Buffers one record (a JSON object, without a line break) of {@code tenant}; never blocks on S3. */
    public void offer(String tenant, String jsonLine) {
        synchronized (buffers) {
            if (buffered >= properties.maxBuffered()) {
                dropped.increment();
                if (dropWarnings.getAndIncrement() % 10_000 == 0) {
                    log.warn("The audit buffer is full ({} records): records are dropped until the bucket takes "
                            + "batches again", buffered);
                }
                return;
            }
            buffers.computeIfAbsent(tenant, key -> new ArrayDeque<>()).add(new Record(jsonLine));
            buffered++;
        }
    }

    /** Writes every tenant's buffered records, in batches; a batch that fails stays buffered for the next flush. */
    void flush() {
        for (String tenant : tenants()) {
            while (true) {
                List<Record> batch = peekBatch(tenant);
                if (batch.isEmpty() || !write(tenant, batch)) {
                    break;
                }
                remove(tenant, batch.size());
            }
        }
    }

    private void flushQuietly() {
        try {
            flush();
        }
        catch (RuntimeException unexpected) {
            // A scheduled task that throws is never run again: log, and keep flushing.
            log.error("Shipping audit records failed", unexpected);
        }
    }

    private boolean write(String tenant, List<Record> batch) {
        StringBuilder lines = new StringBuilder();
        batch.forEach(record -> lines.append(record.json()).append('\n'));
        byte[] body = lines.toString().getBytes(StandardCharsets.UTF_8);
        // Keyed by when it is written, not by its first record: a batch another replica writes later then sorts after
        // every batch a reader has already paged past.
        String key = AuditKeys.batchKey(tenant, AuditKeys.batchId(clock.instant(), instance,
                sequence.getAndIncrement() % 1_000_000_000L));
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(properties.bucket())
                .key(key)
                .contentType(AuditKeys.MEDIA_TYPE)
                // Object Lock buckets demand a checksum of every write; it also guards the batch on the way.
                .contentMD5(md5(body))
                .ifNoneMatch("*");
        if (encryption != null) {
            request.serverSideEncryption(encryption);
        }
        try {
            s3.putObject(request.build(), RequestBody.fromBytes(body));
            shipped.increment(batch.size());
            count("written");
            return true;
        }
        catch (S3Exception refused) {
            count("failed");
            log.warn("An audit batch of {} records was not written (status {}, {}); it is retried at the next flush",
                    batch.size(), refused.statusCode(), refused.awsErrorDetails() == null ? "no details"
                            : refused.awsErrorDetails().errorCode());
            return false;
        }
        catch (SdkException unreachable) {
            count("failed");
            log.warn("An audit batch of {} records was not written ({}); it is retried at the next flush",
                    batch.size(), unreachable.getClass().getSimpleName());
            return false;
        }
    }

    private List<String> tenants() {
        synchronized (buffers) {
            return new ArrayList<>(buffers.keySet());
        }
    }

    private List<Record> peekBatch(String tenant) {
        synchronized (buffers) {
            Deque<Record> buffer = buffers.get(tenant);
            List<Record> batch = new ArrayList<>();
            if (buffer != null) {
                for (Record record : buffer) {
                    if (batch.size() == properties.maxBatch()) {
                        break;
                    }
                    batch.add(record);
                }
            }
            return batch;
        }
    }

    private void remove(String tenant, int count) {
        synchronized (buffers) {
            Deque<Record> buffer = buffers.get(tenant);
            for (int i = 0; i < count; i++) {
                buffer.removeFirst();
            }
            buffered -= count;
            if (buffer.isEmpty()) {
                buffers.remove(tenant);
            }
        }
    }

    private int bufferedRecords() {
        synchronized (buffers) {
            return buffered;
        }
    }

    private void count(String outcome) {
        Counter.builder(BATCHES).description("Audit batch writes, by outcome").tag("outcome", outcome)
                .register(meters).increment();
    }

    /** Stops the timer and writes what is buffered, once. */
    @Override
    public void destroy() throws InterruptedException {
        flusher.shutdown();
        flusher.awaitTermination(properties.flushInterval().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        flushQuietly();
        int left = bufferedRecords();
        if (left > 0) {
            log.warn("{} audit records were not shipped before shutdown", left);
        }
    }

    private static String md5(byte[] body) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(body));
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has MD5", e);
        }
    }

    private record Record(String json) {
    }
}
