package io.warmpath.devredis;

import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar dev-redis-exec.jar <port>}: a Redis server for {@code ./warmpath up} that lives as long as this
 * process. Stops the server on SIGTERM or Ctrl-C.
 */
public final class DevRedis {

    private DevRedis() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1 || !args[0].matches("\\d{1,5}")) {
            System.err.println("usage: java -jar dev-redis-exec.jar <port>");
            System.exit(2);
        }
        LocalRedis redis = LocalRedis.start(Integer.parseInt(args[0]));
        System.out.println("Redis (" + redis.kind() + ") on 127.0.0.1:" + redis.port());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            redis.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
