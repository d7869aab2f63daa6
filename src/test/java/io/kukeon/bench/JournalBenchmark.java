package io.kukeon.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kukeon.bench.JournalThroughputBenchmark.Write;
import io.kukeon.daemon.DaemonConfig;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One persist round trip through the daemon's journal (pekko-persistence-jdbc on an H2 file,
 * the daemon's configuration): command in, event written (a tree event, by
 * {@link JournalThroughputBenchmark.Writer}), reply out; back to back and with idle
 * gaps between writes, as in a cell start where containerd calls separate them.
 *
 * <p>args: N [gap-ms=20] [journal DAO class, default: the daemon's]
 */
public final class JournalBenchmark {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        long gap = args.length > 1 ? Long.parseLong(args[1]) : 20;
        Map<String, String> settings = new java.util.HashMap<>();
        if (args.length > 2) {
            settings.put("jdbc-journal.dao", args[2]);
        }
        Path dir = Files.createTempDirectory("kukeon-journal-bench");
        String url = DaemonConfig.jdbcUrl(dir.resolve("kukeon"));
        try (var c = DriverManager.getConnection(url, "sa", ""); var s = c.createStatement()) {
            s.execute("RUNSCRIPT FROM 'classpath:/journal-schema/h2.sql'");
        }
        settings.put("pekko-persistence-jdbc.shared-databases.slick.db.url", url);
        Config config = ConfigFactory.parseMap(settings)
                .withFallback(ConfigFactory.parseFile(Path.of("conf/application.conf").toFile()))
                .withFallback(ConfigFactory.load()).resolve();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "journal-bench", config);
        try {
            ActorRef<Write> probe = system.systemActorOf(new JournalThroughputBenchmark.Writer("bench|probe"), "probe",
                    org.apache.pekko.actor.typed.Props.empty());
            for (int i = 0; i < 200; i++) {
                write(system, probe);   // warm-up
            }
            List<Long> backToBack = new ArrayList<>();
            List<Long> withGaps = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                backToBack.add(write(system, probe));
            }
            for (int i = 0; i < n; i++) {
                Thread.sleep(gap);
                withGaps.add(write(system, probe));
            }
            System.out.printf("%s%npersist round trip, N=%d: back to back p50 %.2f ms p90 %.2f ms; with %d ms gaps p50 %.2f ms p90 %.2f ms%n",
                    config.getString("jdbc-journal.dao"), n, pct(backToBack, 50), pct(backToBack, 90), gap, pct(withGaps, 50), pct(withGaps, 90));
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get();
            io.kukeon.testing.TempDirs.deleteRecursively(dir);
        }
    }

    private static long write(ActorSystem<Void> system, ActorRef<Write> probe) throws Exception {
        long t0 = System.nanoTime();
        AskPattern.<Write, Long>ask(probe, Write::new, Duration.ofSeconds(10), system.scheduler())
                .toCompletableFuture().get();
        return System.nanoTime() - t0;
    }

    private static double pct(List<Long> nanos, int p) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, s.size() * p / 100)) / 1e6;
    }
}
