package io.kukeon.daemon;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.kukeon.model.HostIds;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.secrets.FileModes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;

/**
 * {@code <data-dir>/instance.conf}: the cgroup root and namespace suffix a data dir's objects were
 * made with (as the reference's {@code .kukeon-instance.json}). Written when kukeond first uses the
 * data dir; afterwards a restart uses them, so an {@code auto} root never moves under running
 * containers, and a different one given is refused: its containers would no longer be found.
 */
final class InstanceRecord {
    static final String FILE = "instance.conf";
    private static final Logger LOG = LoggerFactory.getLogger(InstanceRecord.class);

    private InstanceRecord() {}

    /**
     * The ids this daemon runs with.
     *
     * @param configured the settings' ids; a root of {@code auto} is resolved here
     * @param fresh      the data dir holds nothing of an earlier kukeond (a data dir of a release before
     *                   this record keeps the {@code kukeon} root it has always used)
     * @param choice     what {@code auto} means on this host, asked only for a fresh data dir
     */
    static HostIds settle(Path dataDir, HostIds configured, boolean fresh, Supplier<CgroupRootChoice> choice)
            throws IOException {
        Path file = dataDir.resolve(FILE);
        boolean auto = configured.cgroupRoot().equals(CgroupRootChoice.AUTO);
        if (Files.exists(file)) {
            HostIds recorded = read(file);
            if (!auto && !configured.cgroupRoot().equals(recorded.cgroupRoot())) {
                throw new InvalidArgumentException("cgroup-root", "\"" + configured.cgroupRoot() + "\" is not /"
                        + recorded.cgroupRoot() + ", where the containers of " + dataDir + " live (" + file
                        + "); start with --cgroup-root " + recorded.cgroupRoot() + " or auto, or with a new data dir");
            }
            if (!configured.namespaceSuffix().equals(recorded.namespaceSuffix())) {
                throw new InvalidArgumentException("namespace-suffix", "\"" + configured.namespaceSuffix() + "\" is not "
                        + recorded.namespaceSuffix() + ", the suffix of the containerd namespaces of " + dataDir
                        + "'s realms (" + file + "); start with --namespace-suffix " + recorded.namespaceSuffix()
                        + ", or with a new data dir");
            }
            return recorded;
        }
        HostIds ids = configured;
        if (auto && fresh) {
            CgroupRootChoice chosen = choice.get();
            LOG.info("cgroup root /{}: {}", chosen.root(), chosen.why());
            ids = configured.withCgroupRoot(chosen.root());
        } else if (auto) {
            ids = configured.withCgroupRoot(HostIds.DEFAULT_CGROUP_ROOT);
        }
        FileModes.createPrivateDirectories(dataDir);
        FileModes.writePrivateFile(file, ("# Where the objects of this data dir live on this host: written when kukeond first"
                + " used it, read at every start.\ncgroup-root = \"" + ids.cgroupRoot() + "\"\nnamespace-suffix = \""
                + ids.namespaceSuffix() + "\"\n").getBytes(StandardCharsets.UTF_8));
        // before the first container is made under the root: a power loss must not leave a journal without it
        for (Path p : new Path[] {file, dataDir}) {
            try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
                c.force(true);
            }
        }
        return ids;
    }

    private static HostIds read(Path file) {
        try {
            Config c = ConfigFactory.parseFile(file.toFile());
            return new HostIds(c.getString("cgroup-root"), c.getString("namespace-suffix"));
        } catch (ConfigException | InvalidArgumentException e) {
            throw new InvalidArgumentException("data-dir", file + " is damaged (" + e.getMessage()
                    + "); it says where this data dir's containers live: restore it or start with a new data dir");
        }
    }
}
