package io.kukeon.testing;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerLogs;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.ContainerState;
import io.kukeon.model.ContainerStatus;
import io.kukeon.model.Resources;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.VolumeMount;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Specs and statuses for tests, built by name: {@code container("web").args("sleep", "60").restart(ALWAYS)}
 * rather than twelve positional arguments.
 */
public final class Specs {
    private Specs() {}

    public static ContainerBuilder container(String id) {
        return new ContainerBuilder(id);
    }

    /** A cell of these containers, normalized as the daemon stores it (a pause root added when none is root). */
    public static CellSpec cell(ContainerSpec... containers) {
        return new CellSpec(List.of(containers), null, false, null).normalized();
    }

    public static StatusBuilder status(String name, ContainerState state) {
        return new StatusBuilder(name, state);
    }

    public static final class ContainerBuilder {
        private final String id;
        private boolean root;
        private String image = "busybox";
        private String command;
        private List<String> args = List.of();
        private List<String> env = List.of();
        private String workingDir;
        private String user;
        private RestartPolicy restart = RestartPolicy.NEVER;
        private Integer backoffSeconds;
        private Integer maxRetries;
        private Resources resources;
        private boolean hostNetwork;
        private List<String> ports = List.of();
        private List<VolumeMount> volumes = List.of();
        private List<TmpfsMount> tmpfs = List.of();
        private List<ContainerSecret> secrets = List.of();
        private ContainerLogs logs = ContainerLogs.DEFAULTS;
        private ContainerSecurity security = ContainerSecurity.NONE;

        private ContainerBuilder(String id) {
            this.id = id;
        }

        public ContainerBuilder root() {
            this.root = true;
            return this;
        }

        public ContainerBuilder image(String image) {
            this.image = image;
            return this;
        }

        public ContainerBuilder command(String command) {
            this.command = command;
            return this;
        }

        public ContainerBuilder args(String... args) {
            this.args = Arrays.asList(args);
            return this;
        }

        public ContainerBuilder env(String... env) {
            this.env = Arrays.asList(env);
            return this;
        }

        public ContainerBuilder workingDir(String dir) {
            this.workingDir = dir;
            return this;
        }

        public ContainerBuilder user(String user) {
            this.user = user;
            return this;
        }

        public ContainerBuilder restart(RestartPolicy policy) {
            this.restart = policy;
            return this;
        }

        public ContainerBuilder backoffSeconds(Integer seconds) {
            this.backoffSeconds = seconds;
            return this;
        }

        public ContainerBuilder maxRetries(Integer retries) {
            this.maxRetries = retries;
            return this;
        }

        public ContainerBuilder resources(Resources resources) {
            this.resources = resources;
            return this;
        }

        public ContainerBuilder hostNetwork() {
            this.hostNetwork = true;
            return this;
        }

        public ContainerBuilder ports(String... ports) {
            this.ports = Arrays.asList(ports);
            return this;
        }

        public ContainerBuilder security(ContainerSecurity security) {
            this.security = security;
            return this;
        }

        public ContainerBuilder volumes(VolumeMount... volumes) {
            this.volumes = Arrays.asList(volumes);
            return this;
        }

        public ContainerBuilder tmpfs(TmpfsMount... tmpfs) {
            this.tmpfs = Arrays.asList(tmpfs);
            return this;
        }

        public ContainerBuilder secrets(ContainerSecret... secrets) {
            this.secrets = Arrays.asList(secrets);
            return this;
        }

        public ContainerBuilder logs(Long maxSizeBytes, Integer maxFiles) {
            this.logs = new ContainerLogs(maxSizeBytes, maxFiles);
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(id, root, image, command, args, env, workingDir, user, restart, backoffSeconds,
                    maxRetries, resources, hostNetwork, ports, security, volumes, tmpfs, secrets, logs);
        }
    }

    public static final class StatusBuilder {
        private final String name;
        private final ContainerState state;
        private Integer pid;
        private Integer exitCode;
        private Instant nextRestartAt;
        private boolean oomKilled;

        private StatusBuilder(String name, ContainerState state) {
            this.name = name;
            this.state = state;
        }

        public StatusBuilder pid(int pid) {
            this.pid = pid;
            return this;
        }

        public StatusBuilder exitCode(Integer code) {
            this.exitCode = code;
            return this;
        }

        public StatusBuilder restartOwedAt(Instant at) {
            this.nextRestartAt = at;
            return this;
        }

        public StatusBuilder oomKilled() {
            this.oomKilled = true;
            return this;
        }

        public ContainerStatus build() {
            return new ContainerStatus(name, "id-" + name, state, pid, 0, null, null, exitCode,
                    ContainerStatus.signalOf(exitCode), oomKilled, null, null, nextRestartAt, null, null, null, null, null);
        }
    }
}
