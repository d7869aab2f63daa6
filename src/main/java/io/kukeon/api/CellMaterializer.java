package io.kukeon.api;

import io.kukeon.manifest.CellTemplate;
import io.kukeon.manifest.ManifestDiff;
import io.kukeon.model.CellBlueprint;
import io.kukeon.model.CellConfig;
import io.kukeon.model.CellSpec;
import io.kukeon.model.ContainerSpec;
import io.kukeon.model.EnvOverrides;
import io.kukeon.model.KukeonException;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Kind;
import io.kukeon.model.Metadata;
import io.kukeon.model.Names;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.Provenance;
import io.kukeon.model.Sizes;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.TemplateRef;
import io.kukeon.model.TemplateSync;
import io.kukeon.model.TreeObject;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.Reply;
import io.kukeon.supervisor.TemplateIndex;
import io.kukeon.supervisor.tree.Failures;
import io.kukeon.wire.SpecMapping;
import io.kukeon.wire.v1.MaterializeCellRequest;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code MaterializeCell}: one cell made in a stack from one source (a container, a blueprint, a
 * config, another cell), named or named {@code <prefix>-<6 hex>}, then created as {@code Create}
 * creates one (checked as apply checks a cell, not started). What it was made from is on the cell:
 * lineage labels, and {@code spec.provenance} for a template.
 */
final class CellMaterializer {
    static final String BLUEPRINT_LABEL = "kukeon.io/blueprint";
    static final String CONFIG_LABEL = "kukeon.io/config";
    static final String CLONED_FROM_LABEL = "kukeon.io/cloned-from";
    /** Generated names tried before giving up (3 random bytes each, as the reference). */
    static final int NAME_ATTEMPTS = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final ObjectIndex index;
    private final TemplateIndex templates;
    private final TemplateService templateService;
    /** Creates the cell as {@code Create} does; the reply says CREATED or that it existed. */
    private final Function<TreeObject, CompletionStage<Reply>> create;

    CellMaterializer(ObjectIndex index, TemplateIndex templates, TemplateService templateService,
                     Function<TreeObject, CompletionStage<Reply>> create) {
        this.index = index;
        this.templates = templates;
        this.templateService = templateService;
        this.create = create;
    }

    /** What a source makes at a given name: the cell, and the prefix of a generated name. */
    private record Made(String prefix, Function<ObjectPath, TreeObject.Cell> at) {}

    CompletionStage<Reply> materialize(MaterializeCellRequest in) {
        ObjectPath stack = ObjectPath.parse("stack", in.getStack());
        if (stack.kind() != Kind.STACK) {
            throw new InvalidArgumentException("stack", "must be a stack's path realm/space/stack (got \"" + stack + "\")");
        }
        String name = in.getName().isEmpty() ? null : Names.require("name", in.getName());
        Map<String, String> labels = new TreeMap<>(in.getLabelsMap());
        Metadata.validateLabels(labels);
        Made made = switch (in.getSourceCase()) {
            case IMAGE -> fromImage(in, labels);
            case BLUEPRINT -> fromBlueprint(in, stack, labels);
            case CONFIG -> fromConfig(in, stack, labels);
            case CLONE -> fromClone(in, stack, labels);
            default -> throw new InvalidArgumentException("source", "one of image, blueprint, config or clone is required");
        };
        if (in.getAutoDelete()) {
            Function<ObjectPath, TreeObject.Cell> at = made.at();
            made = new Made(made.prefix(), path -> {
                TreeObject.Cell c = at.apply(path);
                return new TreeObject.Cell(c.path(), c.metadata(), c.spec().withAutoDelete(true), c.status());
            });
        }
        if (name != null) {
            return create.apply(made.at().apply(stack.child(name)));
        }
        return createGenerated(stack, made, 1);
    }

    /** A generated name free in the stack; one taken meanwhile (the create found it) is tried again. */
    private CompletionStage<Reply> createGenerated(ObjectPath stack, Made made, int attempt) {
        ObjectPath cell = freeName(stack, made.prefix());
        return create.apply(made.at().apply(cell)).thenCompose(reply -> reply.outcome() == Reply.Outcome.CREATED
                || attempt >= NAME_ATTEMPTS ? CompletableFuture.completedFuture(reply)
                : createGenerated(stack, made, attempt + 1));
    }

    private ObjectPath freeName(ObjectPath stack, String prefix) {
        for (int i = 0; i < NAME_ATTEMPTS; i++) {
            byte[] random = new byte[3];
            RANDOM.nextBytes(random);
            ObjectPath cell = stack.child(prefix + "-" + HexFormat.of().formatHex(random));
            if (index.get(cell).isEmpty()) {
                return cell;
            }
        }
        throw new io.kukeon.model.FailedPreconditionException("NameExhausted", "no free name \"" + prefix
                + "-<6 hex>\" in stack \"" + stack + "\" after " + NAME_ATTEMPTS + " tries; name the cell");
    }

    private static Made fromImage(MaterializeCellRequest in, Map<String, String> labels) {
        ContainerSpec container = SpecMapping.fromProto(in.getImage());
        String prefix = imagePrefix(container.image());
        return new Made(prefix, cell -> {
            ContainerSpec c = container.id() == null || container.id().isEmpty() ? renamed(container, cell.name()) : container;
            return new TreeObject.Cell(cell, new Metadata(cell.name(), labels, Map.of(), 0),
                    new CellSpec(List.of(c), null, false, null), null);
        });
    }

    private static ContainerSpec renamed(ContainerSpec c, String id) {
        return new ContainerSpec(id, c.root(), c.image(), c.command(), c.args(), c.env(), c.workingDir(), c.user(),
                c.restartPolicy(), c.restartBackoffSeconds(), c.restartMaxRetries(), c.resources(), c.hostNetwork(),
                c.ports(), c.security(), c.volumes(), c.tmpfs(), c.secrets(), c.logs(), c.attachable());
    }

    /** The last part of an image's path, without tag or digest, as a name: {@code docker.io/library/busybox:1} → busybox. */
    static String imagePrefix(String image) {
        if (image == null || image.isEmpty()) {
            throw new InvalidArgumentException("image.image", "is required");
        }
        String last = image.substring(image.lastIndexOf('/') + 1);
        int cut = last.indexOf('@');
        last = cut < 0 ? last : last.substring(0, cut);
        cut = last.indexOf(':');
        last = cut < 0 ? last : last.substring(0, cut);
        String name = last.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (name.length() > CellBlueprint.MAX_PREFIX_LENGTH) {
            name = name.substring(0, CellBlueprint.MAX_PREFIX_LENGTH).replaceAll("-+$", "");
        }
        return name.isEmpty() ? "cell" : name;
    }

    private Made fromBlueprint(MaterializeCellRequest in, ObjectPath stack, Map<String, String> labels) {
        String name = Names.require("blueprint.name", in.getBlueprint().getName());
        TemplateIndex.Entry found = templates.resolve(TemplateKind.BLUEPRINT, new TemplateRef(name, null, null, null), stack)
                .orElseThrow(() -> NotFoundException.template(TemplateKind.BLUEPRINT, name, stack, true));
        CellBlueprint blueprint = found.template().blueprint();
        Map<String, String> values = blueprint.values(in.getBlueprint().getParamsMap(), "blueprint.params",
                TemplateService.describe(TemplateKind.BLUEPRINT, found.scope(), name));
        labels.put(BLUEPRINT_LABEL, name);
        Provenance provenance = new Provenance(TemplateKind.BLUEPRINT.bindingKind(), found.ref(), values, List.of());
        return new Made(blueprint.prefix(), cell -> made(blueprint, values, cell, labels, provenance));
    }

    private Made fromConfig(MaterializeCellRequest in, ObjectPath stack, Map<String, String> labels) {
        String name = Names.require("config.name", in.getConfig().getName());
        List<String> env = in.getConfig().getEnvList();
        CellConfig.requireEnv("config.env", env);
        TemplateIndex.Entry found = templates.resolve(TemplateKind.CONFIG, new TemplateRef(name, null, null, null), stack)
                .orElseThrow(() -> NotFoundException.template(TemplateKind.CONFIG, name, stack, true));
        FromConfig from = fromConfig(found);
        labels.put(BLUEPRINT_LABEL, from.blueprint().name());
        labels.put(CONFIG_LABEL, name);
        return new Made(from.blueprint().template().blueprint().prefix(), cell -> from.cell(cell, labels, env));
    }

    /** What a config makes now: its blueprint (found from the config's scope up) and every value. */
    private record FromConfig(TemplateIndex.Entry config, TemplateIndex.Entry blueprint, Map<String, String> values) {
        /**
         * The cell at {@code path}: the blueprint's, the config's env then {@code env} added to every
         * container (the last of a key wins), and its provenance ({@code envOverrides}: {@code env}).
         */
        TreeObject.Cell cell(ObjectPath path, Map<String, String> labels, List<String> env) {
            Provenance provenance = new Provenance(TemplateKind.CONFIG.bindingKind(), config.ref(), values, env);
            TreeObject.Cell c = made(blueprint.template().blueprint(), values, path, labels, provenance);
            List<String> overrides = EnvOverrides.merged(config.template().config().env(), env);
            CellSpec spec = c.spec();
            List<ContainerSpec> containers = spec.containers().stream().map(x -> x.withEnvOverrides(overrides)).toList();
            return new TreeObject.Cell(c.path(), c.metadata(), spec.withContainers(containers), null);
        }
    }

    private FromConfig fromConfig(TemplateIndex.Entry config) {
        TemplateIndex.Entry blueprint = templateService.blueprintOf(config.template().config(), config.scope(), config.name());
        Map<String, String> values = blueprint.template().blueprint().values(config.template().config().values(),
                "spec.values",
                TemplateService.describe(TemplateKind.BLUEPRINT, blueprint.scope(), blueprint.name()));
        return new FromConfig(config, blueprint, values);
    }

    /**
     * {@code cell} with its {@code status.outOfSync} when it was made from a CellConfig: the config
     * and its blueprint as they are now make the cell again (with the env it was given), and what
     * differs from its spec, if anything, is the verdict. Other objects are returned as they are.
     */
    TreeObject withSync(TreeObject object) {
        if (!(object instanceof TreeObject.Cell cell) || cell.status() == null || cell.spec().provenance() == null
                || !TemplateKind.CONFIG.bindingKind().equals(cell.spec().provenance().bindingKind())) {
            return object;
        }
        Provenance provenance = cell.spec().provenance();
        TemplateSync verdict;
        try {
            TemplateRef ref = provenance.bindingRef();
            TemplateIndex.Entry config = templates.get(TemplateKind.CONFIG, ref.scope(), ref.name())
                    .map(t -> new TemplateIndex.Entry(ref.scope(), ref.name(), t)).orElse(null);
            if (config == null) {
                verdict = new TemplateSync(true, "ConfigNotFound", NotFoundException.template(TemplateKind.CONFIG,
                        ref.name(), ref.scope(), false).getMessage());
            } else {
                TreeObject.Cell now = fromConfig(config).cell(cell.path(), cell.metadata().labels(), provenance.envOverrides());
                CellSpec remade = ((TreeObject.Cell) InheritedDefaults.applied(now, index)).spec().normalized();
                List<String> changes = ManifestDiff.changes(cell, new TreeObject.Cell(cell.path(), cell.metadata(), remade, null));
                verdict = changes.isEmpty() ? TemplateSync.IN_SYNC : new TemplateSync(true, "TemplateChanged",
                        Sizes.cut("made again now: " + String.join("; ", changes), Sizes.MAX_MESSAGE_CHARS));
            }
        } catch (KukeonException e) {
            verdict = new TemplateSync(true, "RematerializeFailed", Failures.describe(e));
        }
        return new TreeObject.Cell(cell.path(), cell.metadata(), cell.spec(), cell.status().withSync(verdict));
    }

    private static TreeObject.Cell made(CellBlueprint blueprint, Map<String, String> values, ObjectPath cell,
                                        Map<String, String> labels, Provenance provenance) {
        TreeObject.Cell c = CellTemplate.materialize(blueprint, values, cell, labels);
        return new TreeObject.Cell(c.path(), c.metadata(), c.spec().withProvenance(provenance), null);
    }

    private Made fromClone(MaterializeCellRequest in, ObjectPath stack, Map<String, String> labels) {
        String name = Names.require("clone", in.getClone());
        ObjectPath source = stack.child(name);
        if (!(index.get(source).orElse(null) instanceof TreeObject.Cell original)) {
            throw new NotFoundException(Kind.CELL, source);
        }
        Map<String, String> all = new TreeMap<>(original.metadata().labels());
        all.putAll(labels);
        all.put(CLONED_FROM_LABEL, name);
        return new Made(name.length() > CellBlueprint.MAX_PREFIX_LENGTH ? imagePrefix(name) : name,
                cell -> new TreeObject.Cell(cell, new Metadata(cell.name(), all, Map.of(), 0), original.spec(), null));
    }
}
