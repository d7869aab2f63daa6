package io.kukeon.wire;

import io.kukeon.model.CellSpec;
import io.kukeon.model.EgressPolicy;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.SecretRef;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.RestartPolicy;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.StackSpec;

import java.util.ArrayList;
import java.util.List;

import static io.kukeon.wire.ResourcesMapping.blankToNull;
import static io.kukeon.wire.ResourcesMapping.nz;

/** Specs of every kind ⇄ protobuf. Passwords leave the daemon only as {@link #REDACTED}. */
public final class SpecMapping {
    public static final String REDACTED = RegistryCredential.REDACTED;

    private SpecMapping() {}

    public static io.kukeon.wire.v1.RealmSpec toProto(RealmSpec s) {
        var b = io.kukeon.wire.v1.RealmSpec.newBuilder().setNamespace(nz(s.namespace()))
                .setResources(ResourcesMapping.toProto(s.resources()));
        for (RegistryCredential c : s.registryCredentials()) {
            b.addRegistryCredentials(io.kukeon.wire.v1.RegistryCredential.newBuilder().setUsername(nz(c.username()))
                    .setPassword(REDACTED).setServerAddress(nz(c.serverAddress())));
        }
        return b.build();
    }

    public static RealmSpec fromProto(io.kukeon.wire.v1.RealmSpec p) {
        List<RegistryCredential> creds = new ArrayList<>();
        for (var c : p.getRegistryCredentialsList()) {
            creds.add(new RegistryCredential(c.getUsername(), c.getPassword(), c.getServerAddress()));
        }
        return new RealmSpec(blankToNull(p.getNamespace()), creds, ResourcesMapping.fromProto(p.getResources()));
    }

    public static io.kukeon.wire.v1.SpaceSpec toProto(SpaceSpec s) {
        var b = io.kukeon.wire.v1.SpaceSpec.newBuilder().setResources(ResourcesMapping.toProto(s.resources()));
        if (!s.egress().equals(EgressPolicy.ALLOW_ALL)) {
            b.setEgress(toProto(s.egress()));
        }
        if (s.cniConfigPath() != null) {
            b.setCniConfigPath(s.cniConfigPath());
        }
        return b.build();
    }

    public static SpaceSpec fromProto(io.kukeon.wire.v1.SpaceSpec p) {
        return new SpaceSpec(ResourcesMapping.fromProto(p.getResources()),
                p.hasEgress() ? fromProto(p.getEgress()) : EgressPolicy.ALLOW_ALL, p.getCniConfigPath());
    }

    private static io.kukeon.wire.v1.EgressPolicy toProto(EgressPolicy policy) {
        var b = io.kukeon.wire.v1.EgressPolicy.newBuilder().setDefaultAction(policy.defaultAction().word());
        for (EgressPolicy.Target t : policy.allow()) {
            b.addAllow(io.kukeon.wire.v1.EgressTarget.newBuilder().setHost(nz(t.host())).setCidr(nz(t.cidr()))
                    .addAllPorts(t.ports()));
        }
        return b.build();
    }

    private static EgressPolicy fromProto(io.kukeon.wire.v1.EgressPolicy p) {
        String field = "spec.network.egress";
        List<EgressPolicy.Target> allow = new ArrayList<>();
        for (int i = 0; i < p.getAllowCount(); i++) {
            var t = p.getAllow(i);
            allow.add(EgressPolicy.Target.of(field + ".allow[" + i + "]", t.getHost(), t.getCidr(), t.getPortsList()));
        }
        return new EgressPolicy(EgressPolicy.Default.parse(field + ".default", p.getDefaultAction()), allow);
    }

    public static io.kukeon.wire.v1.StackSpec toProto(StackSpec s) {
        return io.kukeon.wire.v1.StackSpec.newBuilder().setResources(ResourcesMapping.toProto(s.resources())).build();
    }

    public static StackSpec fromProto(io.kukeon.wire.v1.StackSpec p) {
        return new StackSpec(ResourcesMapping.fromProto(p.getResources()));
    }

    public static io.kukeon.wire.v1.CellSpec toProto(CellSpec s) {
        var b = io.kukeon.wire.v1.CellSpec.newBuilder().setRootContainerId(nz(s.rootContainerId()))
                .setAutoDelete(s.autoDelete()).setResources(ResourcesMapping.toProto(s.resources()));
        s.containers().forEach(c -> b.addContainers(toProto(c)));
        return b.build();
    }

    public static CellSpec fromProto(io.kukeon.wire.v1.CellSpec p) {
        List<ContainerSpec> containers = new ArrayList<>();
        for (var c : p.getContainersList()) {
            containers.add(fromProto(c));
        }
        return new CellSpec(containers, blankToNull(p.getRootContainerId()), p.getAutoDelete(),
                ResourcesMapping.fromProto(p.getResources()));
    }

    public static io.kukeon.wire.v1.ContainerSpec toProto(ContainerSpec c) {
        var b = io.kukeon.wire.v1.ContainerSpec.newBuilder().setId(nz(c.id())).setRoot(c.root()).setImage(nz(c.image()))
                .setCommand(nz(c.command())).addAllArgs(c.args()).addAllEnv(c.env())
                .setWorkingDir(nz(c.workingDir())).setUser(nz(c.user()))
                .setRestartPolicy(c.restartPolicy() == RestartPolicy.NEVER ? "" : c.restartPolicy().wire())
                .setResources(ResourcesMapping.toProto(c.resources()))
                .setHostNetwork(c.hostNetwork()).addAllPorts(c.ports());
        for (ContainerSecret s : c.secrets()) {
            var secret = io.kukeon.wire.v1.ContainerSecret.newBuilder().setName(nz(s.name()))
                    .setFromFile(nz(s.fromFile())).setFromEnv(nz(s.fromEnv())).setMountPath(nz(s.mountPath()));
            if (s.secretRef() != null) {
                SecretRef r = s.secretRef();
                secret.setSecretRef(io.kukeon.wire.v1.SecretRef.newBuilder().setName(nz(r.name())).setRealm(nz(r.realm()))
                        .setSpace(nz(r.space())).setStack(nz(r.stack())).setCell(nz(r.cell())));
            }
            b.addSecrets(secret);
        }
        if (c.restartBackoffSeconds() != null) b.setRestartBackoffSeconds(c.restartBackoffSeconds());
        if (c.restartMaxRetries() != null) b.setRestartMaxRetries(c.restartMaxRetries());
        return b.build();
    }

    /** @throws io.kukeon.model.InvalidArgumentException for an unknown restart policy */
    public static ContainerSpec fromProto(io.kukeon.wire.v1.ContainerSpec p) {
        return new ContainerSpec(blankToNull(p.getId()), p.getRoot(), blankToNull(p.getImage()),
                blankToNull(p.getCommand()), p.getArgsList(), p.getEnvList(), blankToNull(p.getWorkingDir()),
                blankToNull(p.getUser()), RestartPolicy.parse("spec.restartPolicy", p.getRestartPolicy()),
                p.hasRestartBackoffSeconds() ? p.getRestartBackoffSeconds() : null,
                p.hasRestartMaxRetries() ? p.getRestartMaxRetries() : null,
                ResourcesMapping.fromProto(p.getResources()), p.getHostNetwork(), p.getPortsList(), secrets(p));
    }

    private static List<ContainerSecret> secrets(io.kukeon.wire.v1.ContainerSpec p) {
        List<ContainerSecret> out = new ArrayList<>();
        for (var s : p.getSecretsList()) {
            var r = s.getSecretRef();
            out.add(new ContainerSecret(blankToNull(s.getName()), blankToNull(s.getFromFile()),
                    blankToNull(s.getFromEnv()), blankToNull(s.getMountPath()), !s.hasSecretRef() ? null
                    : new SecretRef(blankToNull(r.getName()), r.getRealm(), r.getSpace(), r.getStack(), r.getCell())));
        }
        return out;
    }
}
