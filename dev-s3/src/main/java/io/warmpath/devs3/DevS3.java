package io.warmpath.devs3;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar dev-s3-*-exec.jar PORT DIRECTORY}: runs {@link LocalS3} in the foreground until stopped, for
 * {@code ./warmpath up}. Prints one line with the endpoint once it listens.
 */
public final class DevS3 {

    private DevS3() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: java -jar dev-s3-exec.jar PORT DIRECTORY");
            System.exit(2);
        }
        LocalS3 s3 = LocalS3.start(Integer.parseInt(args[0]), Path.of(args[1]), null);
        Runtime.getRuntime().addShutdownHook(new Thread(s3::close));
        System.out.println("S3 (S3Proxy) listening on " + s3.endpoint() + ", buckets in " + s3.directory());
        new CountDownLatch(1).await();
    }
}
