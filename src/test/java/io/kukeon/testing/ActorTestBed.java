package io.kukeon.testing;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kukeon.model.HostIds;
import io.kukeon.model.ObjectPath;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.SpaceNetworkSource;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.secrets.SecretStaging;
import io.kukeon.supervisor.Ports;
import io.kukeon.supervisor.PullSlots;
import io.kukeon.supervisor.TreeCommand;
import io.kukeon.supervisor.TreeSettings;
import io.kukeon.supervisor.tree.ChildMessages;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.journal.Tagged;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What a test of one actor of the tree runs on: Pekko's in-memory persistence testkit (its writes
 * can be made to fail), and the fake ports, fresh for each test.
 */
public final class ActorTestBed {
    /** The actor system's settings: the persistence testkit instead of the daemon's JDBC journal. */
    public static final Config CONFIG = ConfigFactory.parseString("""
                    pekko.persistence.journal.auto-start-journals = []
                    pekko.persistence.snapshot-store.auto-start-snapshot-stores = []
                    pekko.loglevel = WARNING
                    """)
            .withFallback(TestKeys.config())
            .withFallback(EventSourcedBehaviorTestKit.config())
            .withFallback(PersistenceTestKitPlugin.config())
            .withFallback(PersistenceTestKitSnapshotPlugin.config())
            .withFallback(ConfigFactory.load());

    /**
     * Every event and record the actor writes goes through the journal's serializer and must come
     * back equal; commands stay in the JVM (they carry reply refs), so they are not checked.
     */
    public static final EventSourcedBehaviorTestKit.SerializationSettings SERIALIZATION =
            EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false).withVerifyEquality(true);

    public final FakeRuntime runtime = new FakeRuntime();
    public final FakeCgroups cgroups = new FakeCgroups();
    public final FakeSpaceNetworks networks = new FakeSpaceNetworks();
    public final FakeEgressFirewall egress = new FakeEgressFirewall();
    public final HostIds ids = HostIds.defaults();
    public final ObjectIndex index = new ObjectIndex(ids);
    public final Ports ports;

    /** Snapshots every 100 events, a stop timeout of 2 s, no startup grace, restarts 50 ms apart. */
    public ActorTestBed() {
        this(new TreeSettings(100, Duration.ofSeconds(2), Duration.ZERO, tempLogDir(), tempLogDir(),
                new TreeSettings.RestartBackoff(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofMinutes(10)), true,
                new io.kukeon.model.ContainerLogs(10L * 1024 * 1024, 5)));
    }

    public ActorTestBed(TreeSettings settings) {
        this(settings, io.kukeon.supervisor.RestartGate.open());
    }

    /** With {@code restarts}: a closed one holds back restarts as a fleet member's does until it has joined. */
    public ActorTestBed(TreeSettings settings, io.kukeon.supervisor.RestartGate restarts) {
        this.ports = new Ports(runtime, cgroups, networks, egress, ids, index, settings,
                new PullSlots(PullSlots.Limits.defaults()), new SecretStaging(tempLogDir(), "actor-test-bed", Map.of()),
                new io.kukeon.supervisor.SecretIndex(), new io.kukeon.supervisor.VolumeIndex(),
                new io.kukeon.volumes.VolumeDirectories(tempLogDir().resolve("volumes")), new io.kukeon.supervisor.TemplateIndex(), restarts);
    }

    private static Path tempLogDir() {
        try {
            return Files.createTempDirectory("kukeon-actor-test-logs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A host for a realm driven directly: answers its spaces' subnet claims from the pod subnet, as
     * the host does but without a journal (the same /24 again for the same space), and passes every
     * other message to {@code rest}.
     */
    public Behavior<TreeCommand> hostAnsweringSubnets(ActorRef<TreeCommand> rest) {
        Map<ObjectPath, Ipv4Subnet> claimed = new HashMap<>();
        return Behaviors.receiveMessage(message -> {
            if (message instanceof ChildMessages.ClaimSubnet claim && claim.cniConfigPath() != null) {
                claim.replyTo().tell(StatusReply.success(SpaceNetworkSource.file(java.nio.file.Path.of(claim.cniConfigPath()))));
            } else if (message instanceof ChildMessages.ClaimSubnet claim) {
                Ipv4Subnet subnet = claimed.computeIfAbsent(claim.space(), s -> networks.pool().firstFree(claimed.values()));
                claim.replyTo().tell(StatusReply.success(SpaceNetworkSource.pooled(subnet)));
            } else if (message instanceof ChildMessages.ReleaseSubnet release) {
                claimed.remove(release.space());
                release.replyTo().tell(StatusReply.success(Done.getInstance()));
            } else {
                rest.tell(message);
            }
            return Behaviors.same();
        });
    }

    /** The classes of the events in one actor's journal, oldest first. */
    public static List<Class<?>> written(EventSourcedBehaviorTestKit<?, ?, ?> actor, String persistenceId) {
        return actor.persistenceTestKit().persistedInStorage(persistenceId).stream()
                .map(e -> e instanceof Tagged t ? t.payload() : e)
                .<Class<?>>map(Object::getClass).toList();
    }

    /** Waits up to 5 s for the condition (what an actor does after a runtime call comes back as a message). */
    public static void await(String what, BooleanSupplier condition) {
        Instant deadline = Instant.now().plusSeconds(5);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("never happened: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
