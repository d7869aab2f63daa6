package io.kukeon.manifest;

import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.Metadata;
import io.kukeon.model.Names;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.Provenance;
import io.kukeon.model.TemplateRef;
import io.kukeon.model.RealmSpec;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.ContainerDefaults;
import io.kukeon.model.SpaceSpec;
import io.kukeon.model.StackSpec;
import io.kukeon.model.TreeObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code spec} of each kind, with the reference parser's required fields: Space {@code realmId};
 * Stack {@code realmId, spaceId}; Cell {@code realmId, spaceId, stackId} and containers; Container
 * {@code realmId, spaceId, stackId, cellId}. Each spec is then checked by the model's own validate.
 */
final class SpecReader {
    private SpecReader() {}

    static TreeObject realm(FieldReader spec, Metadata metadata) {
        List<RegistryCredential> credentials = new ArrayList<>();
        String namespace = null;
        io.kukeon.model.Resources resources = io.kukeon.model.Resources.NONE;
        if (spec != null) {
            namespace = spec.string("namespace");
            List<FieldReader> creds = spec.mappings("registryCredentials");
            if (creds != null) {
                for (FieldReader c : creds) {
                    credentials.add(new RegistryCredential(c.string("username"), c.string("password"),
                            c.string("serverAddress")));
                    c.rejectUnknown();
                }
            }
            resources = ResourcesReader.read(spec);
            spec.rejectUnknown();
        }
        RealmSpec realm = new RealmSpec(namespace, credentials, resources);
        realm.validate();
        return new TreeObject.Realm(ObjectPath.of(metadata.name()), metadata, realm, null);
    }

    static TreeObject space(FieldReader spec, FieldReader doc, Metadata metadata) {
        String realm = required(spec, doc, "realmId");
        SpaceSpec space = new SpaceSpec(ResourcesReader.read(spec), NetworkReader.egress(spec), spec.string("cniConfigPath"),
                containerDefaults(spec));
        spec.rejectUnknown();
        space.validate();
        return new TreeObject.Space(ObjectPath.of(realm, metadata.name()), metadata, space, null);
    }

    /** {@code spec.defaults.container}: the container fields a space gives the containers that leave them empty. */
    private static ContainerDefaults containerDefaults(FieldReader spec) {
        FieldReader defaults = spec.mapping("defaults");
        if (defaults == null) {
            return ContainerDefaults.NONE;
        }
        FieldReader container = defaults.mapping("container");
        defaults.rejectUnknown();
        if (container == null) {
            return ContainerDefaults.NONE;
        }
        Boolean readOnly = container.bool("readOnlyRootFilesystem");
        ContainerDefaults out = new ContainerDefaults(container.string("user"), readOnly != null && readOnly,
                ContainerReader.capabilities(container), container.strings("securityOpts"), MountsReader.tmpfs(container),
                ResourcesReader.read(container));
        container.rejectUnknown();
        return out;
    }

    static TreeObject stack(FieldReader spec, FieldReader doc, Metadata metadata) {
        String realm = required(spec, doc, "realmId");
        String space = required(spec, doc, "spaceId");
        sameAsName(spec, "id", metadata.name());
        StackSpec stack = new StackSpec(ResourcesReader.read(spec));
        spec.rejectUnknown();
        stack.validate();
        return new TreeObject.Stack(ObjectPath.of(realm, space, metadata.name()), metadata, stack, null);
    }

    static TreeObject cell(FieldReader spec, FieldReader doc, Metadata metadata) {
        String realm = required(spec, doc, "realmId");
        String space = required(spec, doc, "spaceId");
        String stack = required(spec, doc, "stackId");
        List<FieldReader> entries = spec.mappings("containers");
        if (entries == null || entries.isEmpty()) {
            throw spec.context().problem(spec.field("containers"),
                    entries == null ? doc.markOf("spec") : spec.markOf("containers"),
                    "is required; a cell needs at least one container");
        }
        Map<String, String> parents = new LinkedHashMap<>();
        parents.put("realmId", realm);
        parents.put("spaceId", space);
        parents.put("stackId", stack);
        parents.put("cellId", metadata.name());
        List<ContainerSpec> containers = new ArrayList<>();
        for (FieldReader entry : entries) {
            containers.add(ContainerReader.read(entry, null, parents));
        }
        sameAsName(spec, "id", metadata.name());
        Boolean autoDelete = spec.bool("autoDelete");
        Boolean nested = spec.bool("nestedCgroupRuntime");
        CellSpec cell = new CellSpec(containers, spec.string("rootContainerId"), autoDelete != null && autoDelete,
                ResourcesReader.read(spec), nested != null && nested, provenance(spec), ttyDefault(spec),
                spec.string("node"), spec.stringMap("nodeSelector"), spec.bool("reschedule"));
        spec.rejectUnknown();
        cell.validate();
        return new TreeObject.Cell(ObjectPath.of(realm, space, stack, metadata.name()), metadata, cell, null);
    }

    /** {@code spec.tty}: the reference's cell terminal settings, of which {@code default} is the one a cell has. */
    private static String ttyDefault(FieldReader spec) {
        FieldReader tty = spec.mapping("tty");
        if (tty == null) {
            return null;
        }
        String name = tty.string("default");
        tty.rejectUnknown();
        return name;
    }

    /** {@code spec.provenance}: written by kukeond on a cell it made from a template, read back as it was written. */
    private static Provenance provenance(FieldReader spec) {
        FieldReader p = spec.mapping("provenance");
        if (p == null) {
            return null;
        }
        Provenance out = new Provenance(p.string("bindingKind"), templateRef(p, "bindingRef"), p.stringMap("params"),
                p.strings("envOverrides"));
        p.rejectUnknown();
        return out;
    }

    /** A {@code {name, realm?, space?, stack?}} reference to a CellBlueprint or CellConfig; null when absent. */
    static TemplateRef templateRef(FieldReader parent, String key) {
        FieldReader r = parent.mapping(key);
        if (r == null) {
            return null;
        }
        TemplateRef out = new TemplateRef(r.string("name"), r.string("realm"), r.string("space"), r.string("stack"));
        r.rejectUnknown();
        return out;
    }

    static TreeObject container(FieldReader spec, FieldReader doc, Metadata metadata) {
        String realm = required(spec, doc, "realmId");
        String space = required(spec, doc, "spaceId");
        String stack = required(spec, doc, "stackId");
        String cell = required(spec, doc, "cellId");
        ContainerSpec container = ContainerReader.read(spec, metadata.name(), Map.of());
        container.validate("spec");
        return new TreeObject.Container(ObjectPath.of(realm, space, stack, cell, metadata.name()), metadata,
                container, null);
    }

    /** A parent's name: present and a valid name, else an error at {@code spec} (or the document). */
    private static String required(FieldReader spec, FieldReader doc, String key) {
        String field = "spec." + key;
        String value = spec == null ? null : spec.string(key);
        if (value == null || value.isEmpty()) {
            throw doc.context().problem(field, doc.markOf("spec"), "is required");
        }
        return Names.require(field, value);
    }

    /** The reference's {@code spec.id} defaults to the name; ours is always the name, so another is refused (as a container's). */
    private static void sameAsName(FieldReader spec, String key, String name) {
        String id = spec.string(key);
        if (id != null && !id.isEmpty() && !id.equals(name)) {
            throw spec.context().problem(spec.field(key), spec.markOf(key), "\"" + Names.printable(id)
                    + "\" differs from metadata.name \"" + name + "\"; the name is the identity (leave spec.id out or make it the name)");
        }
    }
}
