package io.kukeon.api;

import io.kukeon.manifest.ManifestDocument;
import io.kukeon.manifest.SecretDocument;
import io.kukeon.manifest.TemplateDocument;
import io.kukeon.manifest.VolumeDocument;
import io.kukeon.model.ContainerSecret;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.TreeObject;
import io.kukeon.model.VolumeMount;
import io.kukeon.network.PublishedPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Which earlier documents of a manifest (in apply order) each document waits for, so that the
 * others can be applied at once. A document <em>needs</em> the documents of the objects it lives
 * in (a cell its stack, space and realm; a Secret its scope): when one of them is not applied,
 * neither is it. A Secret, Volume or template also waits for every earlier document of the tree,
 * whose apply may make its scope as a missing parent. It comes <em>after</em> the documents whose
 * outcome it must see, applied or not:
 * an earlier document of the same object; the Secrets, Volumes and blueprints it names; the cells
 * that publish one of its host ports (the first one keeps the port, as in a sequential apply); the
 * other containers of its cell; and every earlier realm (for a space: space), whose namespace (subnet)
 * claims are decided in document order. Only earlier documents are waited for, so the waits never
 * form a cycle; broken documents wait for nothing. Each wait is for the last earlier document of
 * its kind of key, which itself waited for the ones before it: the waits stay linear in the
 * document count.
 */
final class ApplyPlan {
    /**
     * The waits of one document, as indexes into the documents in apply order; {@code needs} nearest
     * scope first. {@code afterScopes}: also after every earlier document of the tree (a Secret,
     * Volume or template, whose scope an earlier realm, space or stack below it may be making as a
     * missing parent; one wait shared by all of them keeps the waits linear).
     */
    record Step(List<Integer> needs, List<Integer> after, boolean afterScopes) {
        Step {
            needs = List.copyOf(needs);
            after = List.copyOf(after);
        }
    }

    private final List<Step> steps;

    private ApplyPlan(List<Step> steps) {
        this.steps = List.copyOf(steps);
    }

    Step step(int index) {
        return steps.get(index);
    }

    /** @param documents the manifest's documents in apply order (parents first) */
    static ApplyPlan of(List<ManifestDocument> documents) {
        Keys keys = new Keys();
        List<Step> steps = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            steps.add(keys.stepFor(documents.get(i), i));
        }
        return new ApplyPlan(steps);
    }

    /** The last document seen for each key a later document may wait for. */
    private static final class Keys {
        private final Map<ObjectPath, Integer> lastObject = new HashMap<>();
        private final Map<String, Integer> lastHeld = new HashMap<>();
        private final Map<String, Integer> lastPublisher = new HashMap<>();
        private final Map<ObjectPath, Integer> lastContainerOfCell = new HashMap<>();
        private final Map<Kind, Integer> lastClaimingScope = new HashMap<>();

        Step stepFor(ManifestDocument d, int index) {
            Set<Integer> needs = new LinkedHashSet<>();
            Set<Integer> after = new LinkedHashSet<>();
            if (d.failed()) {
                return new Step(List.of(), List.of(), false);
            }
            if (d.object() != null) {
                TreeObject o = d.object();
                ObjectPath path = o.path();
                for (ObjectPath up = path.parent(); up != null; up = up.parent()) {
                    addIfPresent(needs, lastObject.get(up));
                }
                addIfPresent(after, lastObject.get(path));
                lastObject.put(path, index);
                if (o.kind() == Kind.REALM || o.kind() == Kind.SPACE) {
                    addIfPresent(after, lastClaimingScope.put(o.kind(), index));
                }
                for (ContainerSpec container : containersOf(o)) {
                    waitForWhatItNames(container, o.kind() == Kind.CELL ? path : path.parent(), after);
                    for (String port : container.ports()) {
                        addIfPresent(after, lastPublisher.put(hostPortKey(port), index));
                    }
                }
                if (o instanceof TreeObject.Container) {
                    addIfPresent(after, lastContainerOfCell.put(path.parent(), index));
                }
            } else {
                ObjectPath scope = scopeOf(d);
                for (ObjectPath up = scope; up != null; up = up.parent()) {
                    addIfPresent(needs, lastObject.get(up));
                }
                String held = heldPath(d);
                addIfPresent(after, lastHeld.get(held));
                if (d.isTemplate() && d.template().kind() == TemplateKind.CONFIG) {
                    var ref = d.template().config().blueprintRef();
                    waitForHeld(after, ref.hasScope() ? scopeOrNull(ref::scope) : null, scope,
                            s -> new TemplateDocument(TemplateKind.BLUEPRINT, s, ref.name(), null, null).path());
                }
                lastHeld.put(held, index);
            }
            after.removeAll(needs);
            after.remove(index);
            return new Step(new ArrayList<>(needs), new ArrayList<>(after), d.object() == null);
        }

        /** The Secrets and Volumes the container's refs name, looked up from its cell as the checks do. */
        private void waitForWhatItNames(ContainerSpec container, ObjectPath cell, Set<Integer> after) {
            for (ContainerSecret secret : container.secrets()) {
                var ref = secret.secretRef();
                if (ref != null) {
                    waitForHeld(after, ref.hasScope() ? scopeOrNull(ref::scope) : null, cell,
                            s -> new SecretDocument(s, ref.name(), null).path());
                }
            }
            for (VolumeMount volume : container.volumes()) {
                var ref = volume.volumeRef();
                if (ref != null) {
                    waitForHeld(after, ref.hasScope() ? scopeOrNull(ref::scope) : null, cell,
                            s -> new VolumeDocument(s, ref.name(), null).path());
                }
            }
        }

        /** With coordinates, the document held exactly there; without, any held from {@code from} upwards. */
        private void waitForHeld(Set<Integer> after, ObjectPath exact, ObjectPath from,
                                 Function<ObjectPath, String> heldAt) {
            if (exact != null) {
                addIfPresent(after, lastHeld.get(heldAt.apply(exact)));
                return;
            }
            for (ObjectPath up = from; up != null; up = up.parent()) {
                addIfPresent(after, lastHeld.get(heldAt.apply(up)));
            }
        }
    }

    private static List<ContainerSpec> containersOf(TreeObject o) {
        if (o instanceof TreeObject.Cell c) {
            return c.spec().containers();
        }
        return o instanceof TreeObject.Container c ? List.of(c.spec()) : List.of();
    }

    /** Two host ports clash when port and protocol are equal (whatever the address): a key per port and protocol. */
    private static String hostPortKey(String entry) {
        try {
            PublishedPort port = PublishedPort.parse("ports", entry);
            return port.hostPort() + "/" + port.protocol();
        } catch (RuntimeException unreadable) {
            return "unreadable " + entry;   // refused by the document's own check; ordered with its like all the same
        }
    }

    /** A ref's coordinates as a scope, or null when they name none (the ref's own check says why). */
    private static ObjectPath scopeOrNull(Supplier<ObjectPath> scope) {
        try {
            return scope.get();
        } catch (RuntimeException invalid) {
            return null;
        }
    }

    private static ObjectPath scopeOf(ManifestDocument d) {
        return d.isSecret() ? d.secret().scope() : d.isVolume() ? d.volume().scope() : d.template().scope();
    }

    /** What an apply reports as the path of a Secret, Volume or template document. */
    static String heldPath(ManifestDocument d) {
        return d.isSecret() ? d.secret().path() : d.isVolume() ? d.volume().path() : d.template().path();
    }

    private static void addIfPresent(Set<Integer> into, Integer index) {
        if (index != null) {
            into.add(index);
        }
    }
}
