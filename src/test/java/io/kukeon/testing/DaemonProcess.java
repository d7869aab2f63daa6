package io.kukeon.testing;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.kukeon.api.v1.KukeonGrpc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@link FakePortsKukeond} as a separate JVM, so that a test can kill -9 it and start it again. */
public final class DaemonProcess implements AutoCloseable {
    private final Path dataDir;
    private Process process;
    private ManagedChannel channel;

    public DaemonProcess(Path dataDir) {
        this.dataDir = dataDir;
    }

    public void start() throws IOException, InterruptedException {
        Files.deleteIfExists(dataDir.resolve("port"));
        Files.createDirectories(dataDir);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                FakePortsKukeond.class.getName(), dataDir.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("daemon.log").toFile()))
                .start();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (!Files.exists(dataDir.resolve("port"))) {
            if (!process.isAlive()) {
                throw new IllegalStateException("kukeond exited with " + process.exitValue() + "; see "
                        + dataDir.resolve("daemon.log") + ":\n" + Files.readString(dataDir.resolve("daemon.log")));
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("kukeond did not start within 60 s");
            }
            Thread.sleep(50);
        }
        int port = Integer.parseInt(Files.readString(dataDir.resolve("port")).trim());
        channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed on the way out. */
    public void kill9() throws InterruptedException {
        closeChannel();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: what systemd sends; returns the exit code (143 = terminated by the signal, after a clean shutdown). */
    public int terminate() throws InterruptedException {
        closeChannel();
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("kukeond did not stop within 60 s of SIGTERM");
        }
        return process.exitValue();
    }

    public KukeonGrpc.KukeonBlockingStub client() throws IOException {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + Files.readString(dataDir.resolve("token")).trim());
        return KukeonGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    public KukeonGrpc.KukeonStub asyncClient() throws IOException {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + Files.readString(dataDir.resolve("token")).trim());
        return KukeonGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    private void closeChannel() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            kill9();
        }
        closeChannel();
    }
}
