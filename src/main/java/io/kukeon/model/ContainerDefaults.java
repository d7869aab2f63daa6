package io.kukeon.model;

import java.util.List;

/**
 * A space's {@code spec.defaults.container}: what each container of its cells takes when it leaves
 * the same field empty (shallow: a container's own {@code tmpfs} or {@code resources}, if any,
 * replace the default whole). Applied when a cell or container is created or updated, so the
 * stored spec holds what runs; a later change of the defaults reaches a cell at its next apply.
 *
 * @param user                   as a container's {@code user}
 * @param readOnlyRootFilesystem as a container's (true here makes every root read-only: a container's false is "empty")
 * @param capabilities           as a container's {@code capabilities}
 * @param securityOpts           as a container's {@code securityOpts}
 * @param tmpfs                  as a container's {@code tmpfs}
 * @param resources              as a container's {@code resources}
 */
public record ContainerDefaults(String user, boolean readOnlyRootFilesystem, ContainerSecurity.Capabilities capabilities,
                                List<String> securityOpts, List<TmpfsMount> tmpfs, Resources resources) {
    public static final ContainerDefaults NONE = new ContainerDefaults(null, false, ContainerSecurity.Capabilities.NONE,
            List.of(), List.of(), Resources.NONE);
    static final String FIELD = "spec.defaults.container";

    public ContainerDefaults {
        user = user == null || user.isEmpty() ? null : user;
        capabilities = capabilities == null ? ContainerSecurity.Capabilities.NONE : capabilities;
        securityOpts = securityOpts == null ? List.of() : List.copyOf(securityOpts);
        tmpfs = tmpfs == null ? List.of() : List.copyOf(tmpfs);
        resources = Resources.orNone(resources);
    }

    public static ContainerDefaults orNone(ContainerDefaults d) {
        return d == null ? NONE : d;
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** Each field by the rule of the container field it stands for. */
    public void validate() {
        ContainerSpec.checkUser(FIELD + ".user", user);
        asSecurity().validate(FIELD);
        for (int i = 0; i < tmpfs.size(); i++) {
            tmpfs.get(i).validate(FIELD + ".tmpfs[" + i + "]");
        }
        if (tmpfs.size() > ContainerSpec.MAX_MOUNTS) {
            throw new InvalidArgumentException(FIELD + ".tmpfs", "at most " + ContainerSpec.MAX_MOUNTS + " entries");
        }
        resources.validate(FIELD + ".resources");
    }

    /** The security fields among the defaults, as a container's. */
    public ContainerSecurity asSecurity() {
        return new ContainerSecurity(false, capabilities, readOnlyRootFilesystem, securityOpts, List.of(), false, false);
    }
}
