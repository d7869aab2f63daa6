package io.kukeon.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.kukeon.wire.v1.BlueprintSource;
import io.kukeon.wire.v1.ListRequest;
import io.kukeon.wire.v1.ListTemplatesRequest;
import io.kukeon.wire.v1.MaterializeCellRequest;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CellBlueprints and CellConfigs through kuke and the API against a kukeond in this JVM: apply, get
 * (and its YAML applied back), delete, and {@code kuke create cell} from each source, with lineage.
 */
class TemplatesAgainstDaemonTest extends AgainstTestDaemon {
    static final String TEMPLATES = """
            apiVersion: v1beta1
            kind: CellConfig
            metadata: {name: web-prod, realm: default, space: default, stack: default}
            spec:
              blueprintRef: {name: web}
              values: {GREETING: hello}
              env: [MODE=prod]
            ---
            apiVersion: v1beta1
            kind: CellBlueprint
            metadata: {name: web, realm: default, space: default}
            spec:
              prefix: web
              parameters:
                - name: GREETING
                  description: what the server says
                - name: IMAGE
                  default: docker.io/library/busybox:latest
              cell:
                containers:
                  - id: server
                    image: ${IMAGE}
                    command: /bin/sh
                    args: ["-c", "echo ${GREETING}"]
                    env:
                      - GREETING=${GREETING}
                      - MODE=dev
                    restartMaxRetries: 3
                    restartPolicy: on-failure
            """;

    private Path write(String name, String text) throws Exception {
        Path file = work.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void applyGetApplyBackAndDelete() throws Exception {
        ok("init");
        Path templates = write("templates.yaml", TEMPLATES);
        assertEquals("CellBlueprint \"web\": created\nCellConfig \"web-prod\": created\n",
                ok("apply", "-f", templates.toString()).out(), "the blueprint first, whatever the file's order");
        assertEquals("CellBlueprint \"web\": unchanged\nCellConfig \"web-prod\": unchanged\n",
                ok("apply", "-f", templates.toString()).out());

        String blueprints = ok("get", "cellblueprints").out();
        assertTrue(blueprints.matches("NAME +SCOPE +PREFIX +PARAMETERS +AGE\nweb +default/default +web +2 +\\d+s\n"), blueprints);
        String configs = ok("get", "cfg").out();
        assertTrue(configs.matches("NAME +SCOPE +BLUEPRINT +VALUES +AGE\nweb-prod +default/default/default +web +1 +\\d+s\n"),
                configs);
        ok("create", "realm", "empty");
        assertEquals("No CellBlueprints found in realm \"empty\".\n", ok("get", "bp", "--realm", "empty").out());

        String yaml = ok("get", "cellblueprint", "web", "--space", "default", "-o", "yaml").out();
        assertTrue(yaml.contains("  cell:\n    containers:\n    - id: server\n      image: ${IMAGE}\n"), yaml);
        assertTrue(yaml.contains("- name: GREETING\n    description: what the server says\n"), yaml);
        String configYaml = ok("get", "cellconfigs", "-o", "yaml").out();
        assertTrue(configYaml.contains("  blueprintRef:\n    name: web\n  values:\n    GREETING: hello\n  env:\n  - MODE=prod\n"),
                configYaml);
        assertEquals("CellBlueprint \"web\": unchanged\n", ok("apply", "-f", write("bp.yaml", yaml).toString()).out());
        assertEquals("CellConfig \"web-prod\": unchanged\n", ok("apply", "-f", write("cfg.yaml", configYaml).toString()).out());
        String json = ok("get", "cellblueprint", "web", "--space", "default", "-o", "json").out();
        assertEquals("CellBlueprint \"web\": unchanged\n", ok("apply", "-f", write("bp.json", json).toString()).out());

        Path changed = write("changed.yaml", configYaml.replace("GREETING: hello", "GREETING: hi"));
        assertEquals("CellConfig \"web-prod\": updated (dry run)\n", ok("apply", "--dry-run", "-f", changed.toString()).out());
        assertEquals("CellConfig \"web-prod\": updated\n", ok("apply", "-f", changed.toString()).out());

        KukeRun unknown = kuke("apply", "-f", write("unknown.yaml", configYaml.replace("GREETING: hello", "NOPE: x")).toString());
        assertEquals(1, unknown.exit());
        assertTrue(unknown.out().contains("spec.values.NOPE: is not a parameter of CellBlueprint \"web\" of space"
                + " \"default/default\" (it has GREETING, IMAGE)"), unknown.out());
        KukeRun missing = kuke("apply", "-f", write("missing.yaml", configYaml.replace("GREETING: hello", "IMAGE: x")).toString());
        assertEquals(1, missing.exit());
        assertTrue(missing.out().contains("spec.values.GREETING: is required by CellBlueprint \"web\""), missing.out());
        KukeRun noBlueprint = kuke("apply", "-f", write("nobp.yaml", configYaml.replace("name: web\n", "name: api\n")).toString());
        assertEquals(1, noBlueprint.exit());
        assertTrue(noBlueprint.out().contains("spec.blueprintRef: cellblueprint \"api\" not found in stack"
                + " \"default/default/default\" nor above it"), noBlueprint.out());
        assertTrue(ok("get", "cellconfig", "web-prod", "--space", "default", "--stack", "default", "-o", "yaml").out()
                .contains("GREETING: hi"), "a refused document changed nothing");

        assertEquals("Deleted cellconfig \"web-prod\" from stack \"default/default/default\"\n",
                ok("delete", "cellconfig", "web-prod", "--space", "default", "--stack", "default").out());
        assertEquals("Deleted cellblueprint \"web\" from space \"default/default\"\n",
                ok("delete", "bp", "web", "--space", "default").out());
        KukeRun gone = kuke("delete", "bp", "web", "--space", "default");
        assertEquals(1, gone.exit());
        assertTrue(gone.err().contains("cellblueprint \"web\" not found in space \"default/default\""), gone.err());
        assertTrue(ok("events").out().contains("cellblueprint \"web\" removed"));

        ok("apply", "-f", templates.toString());
        assertEquals("CellConfig \"web-prod\": deleted\nCellBlueprint \"web\": deleted\n",
                ok("delete", "-f", templates.toString()).out(), "a config before the blueprint it names");
        assertEquals("", ok("get", "cellblueprints", "-o", "yaml").out());
    }

    @Test
    void createCellFromEverySourceWithLineage() throws Exception {
        ok("init");
        ok("apply", "-f", write("templates.yaml", TEMPLATES).toString());

        assertEquals("cell \"greeter\": created in stack \"default\"\n",
                ok("create", "cell", "greeter", "--from-blueprint", "web", "--param", "GREETING=bonjour").out());
        String yaml = ok("get", "cell", "greeter", "-o", "yaml").out();
        assertTrue(yaml.contains("    kukeon.io/blueprint: web\n"), yaml);
        assertTrue(yaml.contains("    args:\n    - -c\n    - echo bonjour\n    env:\n    - GREETING=bonjour\n    - MODE=dev\n"), yaml);
        assertTrue(yaml.contains("  provenance:\n    bindingKind: blueprint\n    bindingRef:\n      name: web\n"
                + "      realm: default\n      space: default\n    params:\n      GREETING: bonjour\n"
                + "      IMAGE: docker.io/library/busybox:latest\n"), yaml);
        assertTrue(yaml.contains("  state: Pending\n"), "created, not started: " + yaml);
        Path back = write("cell.yaml", yaml);
        assertEquals("Cell \"greeter\": unchanged\n", ok("apply", "--dry-run", "-f", back.toString()).out()
                .replace(" (dry run)", ""));

        String generated = ok("create", "cell", "--from-blueprint", "web", "--param", "GREETING=hi").out();
        assertTrue(generated.matches("cell \"web-[0-9a-f]{6}\": created in stack \"default\"\n"), generated);

        Path params = write("params.env", "# greeting\nGREETING=from a file\n\nIMAGE=docker.io/library/busybox:1\n");
        ok("create", "cell", "filed", "--from-blueprint", "web", "--param-file", params.toString(), "--param", "IMAGE=busybox:2");
        String filed = ok("get", "cell", "filed", "-o", "yaml").out();
        assertTrue(filed.contains("GREETING=from a file") && filed.contains("image: busybox:2"), filed);

        String fromConfig = ok("create", "cell", "--from-config", "web-prod", "--env", "MODE=test", "--env", "EXTRA=1").out();
        Matcher m = Pattern.compile("cell \"(web-[0-9a-f]{6})\": created in stack \"default\"\n").matcher(fromConfig);
        assertTrue(m.matches(), fromConfig);
        String configured = ok("get", "cell", m.group(1), "-o", "yaml").out();
        assertTrue(configured.contains("    kukeon.io/blueprint: web\n    kukeon.io/config: web-prod\n"), configured);
        assertTrue(configured.contains("    - GREETING=hello\n    - MODE=test\n    - EXTRA=1\n"), "overrides win: " + configured);
        assertTrue(configured.contains("    bindingKind: config\n    bindingRef:\n      name: web-prod\n      realm: default\n"
                + "      space: default\n      stack: default\n"), configured);
        assertTrue(configured.contains("    envOverrides:\n    - MODE=test\n    - EXTRA=1\n"), configured);

        assertEquals("cell \"twin\": created in stack \"default\"\n", ok("create", "cell", "twin", "--clone", "greeter").out());
        String twin = ok("get", "cell", "twin", "-o", "yaml").out();
        assertTrue(twin.contains("    kukeon.io/cloned-from: greeter\n") && twin.contains("kukeon.io/blueprint: web"), twin);
        assertEquals(yaml.substring(yaml.indexOf("spec:"), yaml.indexOf("status:")).replace("cellId: greeter", "cellId: twin"),
                twin.substring(twin.indexOf("spec:"), twin.indexOf("status:")), "the spec is copied");

        String image = ok("create", "cell", "--image", "docker.io/library/busybox:latest", "--command", "sleep").out();
        Matcher im = Pattern.compile("cell \"(busybox-[0-9a-f]{6})\": created in stack \"default\"\n").matcher(image);
        assertTrue(im.matches(), image);
        assertTrue(ok("get", "cell", im.group(1), "-o", "yaml").out().contains("- id: " + im.group(1) + "\n"),
                "the container is named after the generated name");
        assertTrue(ok("get", "cells", "-l", "kukeon.io/blueprint=web").out().lines().count() == 6, "five cells and a header");
    }

    @Test
    void aCellFromAConfigIsOutOfSyncOnceItsConfigOrBlueprintMakesAnotherCell() throws Exception {
        ok("init");
        ok("apply", "-f", write("templates.yaml", TEMPLATES).toString());
        ok("create", "cell", "made", "--from-config", "web-prod", "--env", "EXTRA=1");
        ok("create", "cell", "plain", "--image", "busybox");
        String wide = ok("get", "cells", "-o", "wide").out();
        assertTrue(wide.lines().findFirst().orElseThrow().endsWith(" SYNC"), wide);
        assertTrue(wide.lines().anyMatch(l -> l.startsWith("made ") && l.endsWith(" Synced")), wide);
        assertTrue(wide.lines().anyMatch(l -> l.startsWith("plain ") && l.endsWith(" -")), "not from a config: " + wide);
        String synced = ok("get", "cell", "made", "-o", "yaml").out();
        assertTrue(synced.contains("  outOfSync: false\n"), synced);
        assertEquals("Cell \"made\": unchanged\n", ok("apply", "-f", write("made.yaml", synced).toString()).out(),
                "the verdict is status: output, applied back as nothing");

        ok("apply", "-f", write("hi.yaml", TEMPLATES.replace("GREETING: hello", "GREETING: hi")).toString());
        String changed = ok("get", "cell", "made", "-o", "yaml").out();
        assertTrue(changed.contains("  outOfSync: true\n  outOfSyncReason: TemplateChanged\n"), changed);
        assertTrue(changed.contains("outOfSyncError: 'made again now: spec.containers[server].args: [-c, echo hello] -> [-c, echo hi];")
                && changed.contains("spec.provenance.params.GREETING: hello -> hi'"), "says what differs: " + changed);
        assertTrue(ok("get", "cells", "-o", "wide").out().lines().anyMatch(l -> l.startsWith("made ") && l.endsWith(" OutOfSync")));

        KukeRun required = kuke("apply", "-f", write("required.yaml", TEMPLATES.replace("  parameters:\n",
                "  parameters:\n    - name: NEW\n")).toString());
        assertTrue(required.out().startsWith("CellBlueprint \"web\": updated\nCellConfig \"web-prod\": failed\n"),
                "a blueprint may change under its configs; a config is checked against it: " + required.out());
        String failed = ok("get", "cell", "made", "-o", "yaml").out();
        assertTrue(failed.contains("  outOfSyncReason: RematerializeFailed\n  outOfSyncError: 'spec.values.NEW: is required by"
                + " CellBlueprint \"web\" of space \"default/default\""), failed);

        ok("delete", "cellconfig", "web-prod", "--space", "default", "--stack", "default");
        String orphan = ok("get", "cell", "made", "-o", "json").out();
        assertTrue(orphan.contains("\"outOfSyncReason\": \"ConfigNotFound\""), orphan);
        assertTrue(orphan.contains("cellconfig \\\"web-prod\\\" not found in stack \\\"default/default/default\\\""), orphan);
    }

    @Test
    void badSourcesNameTheFieldAndCreateNothing() throws Exception {
        ok("init");
        ok("apply", "-f", write("templates.yaml", TEMPLATES).toString());
        KukeRun unknownParam = kuke("create", "cell", "x", "--from-blueprint", "web", "--param", "GREETING=a", "--param", "COLOR=red");
        assertEquals(1, unknownParam.exit());
        assertTrue(unknownParam.err().contains("blueprint.params.COLOR: is not a parameter of CellBlueprint \"web\""),
                unknownParam.err());
        KukeRun missing = kuke("create", "cell", "x", "--from-blueprint", "web");
        assertEquals(1, missing.exit());
        assertTrue(missing.err().contains("blueprint.params.GREETING: is required by CellBlueprint \"web\""), missing.err());
        KukeRun unknownBlueprint = kuke("create", "cell", "x", "--from-blueprint", "api");
        assertEquals(1, unknownBlueprint.exit());
        assertTrue(unknownBlueprint.err().contains("cellblueprint \"api\" not found in stack \"default/default/default\" nor above it"),
                unknownBlueprint.err());
        KukeRun unknownConfig = kuke("create", "cell", "--from-config", "api");
        assertEquals(1, unknownConfig.exit());
        assertTrue(unknownConfig.err().contains("cellconfig \"api\" not found"), unknownConfig.err());
        KukeRun twoSources = kuke("create", "cell", "x", "--from-blueprint", "web", "--clone", "y");
        assertEquals(2, twoSources.exit());
        assertTrue(twoSources.err().contains("--from-blueprint") && twoSources.err().contains("--clone")
                && twoSources.err().contains("mutually exclusive"), twoSources.err());
        KukeRun paramWithImage = kuke("create", "cell", "x", "--image", "busybox", "--param", "A=b");
        assertEquals(2, paramWithImage.exit());
        assertTrue(paramWithImage.err().contains("--param does not go with --image"), paramWithImage.err());
        KukeRun badValue = kuke("create", "cell", "x", "--from-blueprint", "web", "--param", "GREETING=a", "--param",
                "IMAGE=has space");
        assertEquals(1, badValue.exit());
        assertTrue(badValue.err().contains("spec.cell.containers[0].image: \"has space\" must be an image reference"), badValue.err());
        KukeRun noClone = kuke("create", "cell", "x", "--clone", "nobody");
        assertEquals(1, noClone.exit());
        assertTrue(noClone.err().contains("cell \"nobody\" not found"), noClone.err());

        var api = daemon.client();
        StatusRuntimeException noSource = assertThrows(StatusRuntimeException.class, () -> api.materializeCell(
                MaterializeCellRequest.newBuilder().setStack("default/default/default").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, noSource.getStatus().getCode());
        StatusRuntimeException notAStack = assertThrows(StatusRuntimeException.class, () -> api.materializeCell(
                MaterializeCellRequest.newBuilder().setStack("default/default").setBlueprint(BlueprintSource.newBuilder()
                        .setName("web")).build()));
        assertTrue(notAStack.getStatus().getDescription().startsWith("stack: must be a stack's path"),
                notAStack.getStatus().getDescription());
        StatusRuntimeException badKind = assertThrows(StatusRuntimeException.class, () -> api.listTemplates(
                ListTemplatesRequest.newBuilder().setKind("Secret").build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, badKind.getStatus().getCode());

        assertEquals(0, api.list(ListRequest.newBuilder().setKind("Cell").build()).getObjectsCount(), "nothing was created");
        assertFalse(ok("events").out().contains("cell \"x\""));
    }
}
