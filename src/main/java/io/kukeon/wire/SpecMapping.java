package io.kukeon.wire;

import io.kukeon.model.CellBlueprint;
import io.kukeon.model.CellConfig;
import io.kukeon.model.CellSpec;
import io.kukeon.model.Provenance;
import io.kukeon.model.TemplateRef;
import io.kukeon.model.EgressPolicy;
import io.kukeon.model.ContainerDefaults;
import io.kukeon.model.ContainerLogs;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.ContainerSecurity;
import io.kukeon.model.SecretRef;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.TmpfsMount;
import io.kukeon.model.VolumeMount;
import io.kukeon.model.VolumeRef;
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
        if (!s.containerDefaults().isEmpty()) {
            ContainerDefaults d = s.containerDefaults();
            var defaults = io.kukeon.wire.v1.ContainerDefaults.newBuilder().setUser(nz(d.user()))
                    .setResources(ResourcesMapping.toProto(d.resources()))
                    .setReadOnlyRootFilesystem(d.readOnlyRootFilesystem()).addAllSecurityOpts(d.securityOpts());
            if (!d.capabilities().isEmpty()) {
                defaults.setCapabilities(toProto(d.capabilities()));
            }
            d.tmpfs().forEach(t -> defaults.addTmpfs(toProto(t)));
            b.setContainerDefaults(defaults);
        }
        return b.build();
    }

    public static SpaceSpec fromProto(io.kukeon.wire.v1.SpaceSpec p) {
        return new SpaceSpec(ResourcesMapping.fromProto(p.getResources()),
                p.hasEgress() ? fromProto(p.getEgress()) : EgressPolicy.ALLOW_ALL, p.getCniConfigPath(),
                p.hasContainerDefaults() ? fromProto(p.getContainerDefaults()) : ContainerDefaults.NONE);
    }

    private static ContainerDefaults fromProto(io.kukeon.wire.v1.ContainerDefaults p) {
        return new ContainerDefaults(blankToNull(p.getUser()), p.getReadOnlyRootFilesystem(), fromProto(p.getCapabilities()),
                p.getSecurityOptsList(), p.getTmpfsList().stream().map(SpecMapping::fromProto).toList(),
                ResourcesMapping.fromProto(p.getResources()));
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
                .setAutoDelete(s.autoDelete()).setResources(ResourcesMapping.toProto(s.resources()))
                .setNestedCgroupRuntime(s.nestedCgroupRuntime()).setTtyDefault(nz(s.ttyDefault()))
                .setNode(nz(s.node())).putAllNodeSelector(s.nodeSelector());
        if (s.reschedule() != null) {
            b.setReschedule(s.reschedule());
        }
        s.containers().forEach(c -> b.addContainers(toProto(c)));
        if (s.provenance() != null) {
            Provenance p = s.provenance();
            b.setProvenance(io.kukeon.wire.v1.Provenance.newBuilder().setBindingKind(nz(p.bindingKind()))
                    .setBindingRef(toProto(p.bindingRef())).putAllParams(p.params()).addAllEnvOverrides(p.envOverrides()));
        }
        return b.build();
    }

    public static CellSpec fromProto(io.kukeon.wire.v1.CellSpec p) {
        List<ContainerSpec> containers = new ArrayList<>();
        for (var c : p.getContainersList()) {
            containers.add(fromProto(c));
        }
        Provenance provenance = !p.hasProvenance() ? null : new Provenance(blankToNull(p.getProvenance().getBindingKind()),
                fromProto(p.getProvenance().getBindingRef()), p.getProvenance().getParamsMap(),
                p.getProvenance().getEnvOverridesList());
        return new CellSpec(containers, blankToNull(p.getRootContainerId()), p.getAutoDelete(),
                ResourcesMapping.fromProto(p.getResources()), p.getNestedCgroupRuntime(), provenance,
                blankToNull(p.getTtyDefault()), blankToNull(p.getNode()), p.getNodeSelectorMap(),
                p.hasReschedule() ? p.getReschedule() : null);
    }

    public static io.kukeon.wire.v1.TemplateRef toProto(TemplateRef r) {
        return io.kukeon.wire.v1.TemplateRef.newBuilder().setName(nz(r.name())).setRealm(nz(r.realm()))
                .setSpace(nz(r.space())).setStack(nz(r.stack())).build();
    }

    public static TemplateRef fromProto(io.kukeon.wire.v1.TemplateRef p) {
        return new TemplateRef(blankToNull(p.getName()), p.getRealm(), p.getSpace(), p.getStack());
    }

    public static io.kukeon.wire.v1.CellBlueprintSpec toProto(CellBlueprint b) {
        var out = io.kukeon.wire.v1.CellBlueprintSpec.newBuilder().setPrefix(nz(b.prefix())).setCellJson(nz(b.cell()));
        for (CellBlueprint.Parameter p : b.parameters()) {
            var param = io.kukeon.wire.v1.BlueprintParameter.newBuilder().setName(nz(p.name()))
                    .setDescription(nz(p.description()));
            if (p.defaultValue() != null) {
                param.setDefault(p.defaultValue());
            }
            out.addParameters(param);
        }
        return out.build();
    }

    public static CellBlueprint fromProto(io.kukeon.wire.v1.CellBlueprintSpec p) {
        List<CellBlueprint.Parameter> parameters = new ArrayList<>();
        for (var param : p.getParametersList()) {
            parameters.add(new CellBlueprint.Parameter(param.getName(), param.hasDefault() ? param.getDefault() : null,
                    blankToNull(param.getDescription())));
        }
        return new CellBlueprint(blankToNull(p.getPrefix()), parameters, p.getCellJson());
    }

    public static io.kukeon.wire.v1.CellConfigSpec toProto(CellConfig c) {
        return io.kukeon.wire.v1.CellConfigSpec.newBuilder().setBlueprintRef(toProto(c.blueprintRef()))
                .putAllValues(c.values()).addAllEnv(c.env()).build();
    }

    public static CellConfig fromProto(io.kukeon.wire.v1.CellConfigSpec p) {
        return new CellConfig(fromProto(p.getBlueprintRef()), p.getValuesMap(), p.getEnvList());
    }

    public static io.kukeon.wire.v1.ContainerSpec toProto(ContainerSpec c) {
        var b = io.kukeon.wire.v1.ContainerSpec.newBuilder().setId(nz(c.id())).setRoot(c.root()).setImage(nz(c.image()))
                .setCommand(nz(c.command())).addAllArgs(c.args()).addAllEnv(c.env())
                .setWorkingDir(nz(c.workingDir())).setUser(nz(c.user()))
                .setRestartPolicy(c.restartPolicy() == RestartPolicy.NEVER ? "" : c.restartPolicy().wire())
                .setResources(ResourcesMapping.toProto(c.resources()))
                .setHostNetwork(c.hostNetwork()).addAllPorts(c.ports());
        c.volumes().forEach(v -> b.addVolumes(toProto(v)));
        c.tmpfs().forEach(t -> b.addTmpfs(toProto(t)));
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
        if (c.logs().maxSizeBytes() != null) b.setLogMaxSizeBytes(c.logs().maxSizeBytes());
        if (c.logs().maxFiles() != null) b.setLogMaxFiles(c.logs().maxFiles());
        b.setAttachable(c.attachable());
        ContainerSecurity s = c.security();
        b.setPrivileged(s.privileged()).setReadOnlyRootFilesystem(s.readOnlyRootFilesystem())
                .addAllSecurityOpts(s.securityOpts()).addAllDevices(s.devices())
                .setHostPid(s.hostPID()).setHostCgroup(s.hostCgroup());
        if (!s.capabilities().isEmpty()) {
            b.setCapabilities(toProto(s.capabilities()));
        }
        return b.build();
    }

    private static io.kukeon.wire.v1.ContainerSpec.Capabilities toProto(ContainerSecurity.Capabilities c) {
        return io.kukeon.wire.v1.ContainerSpec.Capabilities.newBuilder().addAllAdd(c.add()).addAllDrop(c.drop()).build();
    }

    private static ContainerSecurity.Capabilities fromProto(io.kukeon.wire.v1.ContainerSpec.Capabilities p) {
        return new ContainerSecurity.Capabilities(p.getAddList(), p.getDropList());
    }

    private static ContainerSecurity security(io.kukeon.wire.v1.ContainerSpec p) {
        return new ContainerSecurity(p.getPrivileged(), fromProto(p.getCapabilities()), p.getReadOnlyRootFilesystem(), p.getSecurityOptsList(), p.getDevicesList(), p.getHostPid(),
                p.getHostCgroup());
    }

    /** @throws io.kukeon.model.InvalidArgumentException for an unknown restart policy */
    public static ContainerSpec fromProto(io.kukeon.wire.v1.ContainerSpec p) {
        return new ContainerSpec(blankToNull(p.getId()), p.getRoot(), blankToNull(p.getImage()),
                blankToNull(p.getCommand()), p.getArgsList(), p.getEnvList(), blankToNull(p.getWorkingDir()),
                blankToNull(p.getUser()), RestartPolicy.parse("spec.restartPolicy", p.getRestartPolicy()),
                p.hasRestartBackoffSeconds() ? p.getRestartBackoffSeconds() : null,
                p.hasRestartMaxRetries() ? p.getRestartMaxRetries() : null,
                ResourcesMapping.fromProto(p.getResources()), p.getHostNetwork(), p.getPortsList(), security(p),
                p.getVolumesList().stream().map(SpecMapping::fromProto).toList(),
                p.getTmpfsList().stream().map(SpecMapping::fromProto).toList(), secrets(p),
                new ContainerLogs(p.hasLogMaxSizeBytes() ? p.getLogMaxSizeBytes() : null,
                        p.hasLogMaxFiles() ? p.getLogMaxFiles() : null), p.getAttachable());
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

    static io.kukeon.wire.v1.VolumeMount toProto(VolumeMount v) {
        var b = io.kukeon.wire.v1.VolumeMount.newBuilder().setKind(v.kind().wire()).setSource(nz(v.source()))
                .setTarget(nz(v.target())).setReadOnly(v.readOnly()).setEnsure(v.ensure());
        if (v.sizeBytes() != null) b.setSizeBytes(v.sizeBytes());
        if (v.mode() != null) b.setMode(v.mode());
        if (v.volumeRef() != null) {
            VolumeRef r = v.volumeRef();
            b.setVolumeRef(io.kukeon.wire.v1.VolumeRef.newBuilder().setName(nz(r.name())).setRealm(nz(r.realm()))
                    .setSpace(nz(r.space())).setStack(nz(r.stack())));
        }
        return b.build();
    }

    /** @throws io.kukeon.model.InvalidArgumentException for a kind other than bind, tmpfs or volume */
    static VolumeMount fromProto(io.kukeon.wire.v1.VolumeMount p) {
        return new VolumeMount(VolumeMount.Kind.parse("spec.volumes.kind", p.getKind()), blankToNull(p.getSource()),
                blankToNull(p.getTarget()), p.getReadOnly(), p.hasSizeBytes() ? p.getSizeBytes() : null,
                p.hasMode() ? p.getMode() : null, p.getEnsure(), !p.hasVolumeRef() ? null
                : new VolumeRef(blankToNull(p.getVolumeRef().getName()), p.getVolumeRef().getRealm(),
                        p.getVolumeRef().getSpace(), p.getVolumeRef().getStack()));
    }

    static io.kukeon.wire.v1.TmpfsMount toProto(TmpfsMount t) {
        var b = io.kukeon.wire.v1.TmpfsMount.newBuilder().setPath(nz(t.path())).addAllOptions(t.options());
        if (t.sizeBytes() != null) b.setSizeBytes(t.sizeBytes());
        return b.build();
    }

    static TmpfsMount fromProto(io.kukeon.wire.v1.TmpfsMount p) {
        return new TmpfsMount(blankToNull(p.getPath()), p.hasSizeBytes() ? p.getSizeBytes() : null, p.getOptionsList());
    }
}
