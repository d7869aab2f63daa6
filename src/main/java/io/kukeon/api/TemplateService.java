package io.kukeon.api;

import io.kukeon.manifest.CellTemplate;
import io.kukeon.manifest.TemplateDocument;
import io.kukeon.model.CellBlueprint;
import io.kukeon.model.CellConfig;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.StoredTemplate;
import io.kukeon.model.TemplateKind;
import io.kukeon.model.TemplateScope;
import io.kukeon.model.TemplateRef;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.Names;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.SupervisorTree;
import io.kukeon.supervisor.TemplateIndex;
import io.kukeon.wire.SpecMapping;
import io.kukeon.wire.v1.DeleteTemplateRequest;
import io.kukeon.wire.v1.DeleteTemplateResponse;
import io.kukeon.wire.v1.ListTemplatesRequest;
import io.kukeon.wire.v1.ListTemplatesResponse;
import io.kukeon.wire.v1.TemplateInfo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * CellBlueprints and CellConfigs through the API: a put (from apply) or a delete goes to the actor of
 * the holding scope, a list is read from the {@link TemplateIndex}.
 */
final class TemplateService {
    private final SupervisorTree tree;
    private final ObjectIndex objects;
    private final TemplateIndex templates;

    TemplateService(SupervisorTree tree, ObjectIndex objects, TemplateIndex templates) {
        this.tree = tree;
        this.objects = objects;
        this.templates = templates;
    }

    /** Puts the template once checked against what it names; the outcome as apply says it. */
    CompletionStage<String> put(TemplateDocument doc) {
        check(doc);
        return tree.ask(doc.scope(), replyTo -> new ObjectCommand.PutTemplate(doc.name(), doc.blueprint(), doc.config(), replyTo))
                .thenApply(reply -> reply.outcome().name().toLowerCase(Locale.ROOT));
    }

    /** What applying the document would do (a dry run): from the index, no actor asked. */
    String wouldPut(TemplateDocument doc) {
        check(doc);
        StoredTemplate stored = templates.get(doc.kind(), doc.scope(), doc.name()).orElse(null);
        if (stored == null) {
            return "created";
        }
        return stored.sameAs(new StoredTemplate(doc.blueprint(), doc.config(), null, null)) ? "unchanged" : "updated";
    }

    /**
     * A config is checked against its blueprint as it is now: the blueprint exists, each value is a
     * parameter of it, every required one is set, and the cell it makes reads as a cell.
     */
    private void check(TemplateDocument doc) {
        if (doc.config() != null) {
            TemplateIndex.Entry blueprint = blueprintOf(doc.config(), doc.scope(), doc.name());
            Map<String, String> values = blueprint.template().blueprint().values(doc.config().values(), "spec.values",
                    describe(TemplateKind.BLUEPRINT, blueprint.scope(), blueprint.name()));
            CellTemplate.materialize(blueprint.template().blueprint(), values,
                    CellTemplate.sampleCell(doc.scope(), blueprint.template().blueprint()), Map.of());
        }
    }

    /** The blueprint a config names: exactly where its coordinates say, else the nearest from the config's scope up. */
    TemplateIndex.Entry blueprintOf(CellConfig config, ObjectPath configScope, String configName) {
        TemplateRef ref = config.blueprintRef();
        return templates.resolve(TemplateKind.BLUEPRINT, ref, configScope).orElseThrow(() -> {
            ObjectPath where = ref.hasScope() ? ref.scope() : configScope;
            return new io.kukeon.model.InvalidArgumentException("spec.blueprintRef", NotFoundException.template(
                    TemplateKind.BLUEPRINT, ref.name(), where, !ref.hasScope()).getMessage()
                    + " (named by CellConfig \"" + configName + "\"); apply it first");
        });
    }

    static String describe(TemplateKind kind, ObjectPath scope, String name) {
        return kind.kindName() + " \"" + name + "\" of " + scope.kind().label() + " \"" + scope + "\"";
    }

    CompletionStage<ListTemplatesResponse> list(ListTemplatesRequest in) {
        TemplateKind kind = TemplateKind.parse("kind", in.getKind());
        ObjectPath scope = in.getScope().isEmpty() ? null : TemplateScope.parse("scope", in.getScope());
        String name = in.getName().isEmpty() ? null : Names.require("name", in.getName());
        return KukeonService.requireExists(scope, objects, tree).thenApply(v -> {
            List<TemplateIndex.Entry> found = HeldListing.matching(templates.list(kind, scope), TemplateIndex.Entry::scope,
                    TemplateIndex.Entry::name, scope, name, "templates", () -> NotFoundException.template(kind, name, scope, false));
            ListTemplatesResponse.Builder out = ListTemplatesResponse.newBuilder();
            found.forEach(e -> out.addTemplates(info(e)));
            return out.build();
        });
    }

    CompletionStage<DeleteTemplateResponse> delete(DeleteTemplateRequest in) {
        TemplateKind kind = TemplateKind.parse("kind", in.getKind());
        ObjectPath scope = TemplateScope.parse("scope", in.getScope());
        String name = Names.require("name", in.getName());
        return tree.ask(scope, replyTo -> new ObjectCommand.RemoveTemplate(kind, name, replyTo))
                .thenApply(reply -> DeleteTemplateResponse.newBuilder().addAllDeleted(reply.deleted()).build());
    }

    private static TemplateInfo info(TemplateIndex.Entry e) {
        StoredTemplate t = e.template();
        TemplateInfo.Builder info = TemplateInfo.newBuilder().setKind(t.kind().kindName()).setScope(e.scope().toString())
                .setName(e.name()).setCreatedAt(t.createdAt().toString()).setUpdatedAt(t.updatedAt().toString());
        if (t.blueprint() != null) {
            info.setBlueprint(SpecMapping.toProto(t.blueprint()));
        } else {
            info.setConfig(SpecMapping.toProto(t.config()));
        }
        return info.build();
    }
}
