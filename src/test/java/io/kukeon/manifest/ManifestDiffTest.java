package io.kukeon.manifest;

import io.kukeon.model.TreeObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ManifestDiffTest {

    private static TreeObject read(String yaml) {
        ManifestDocument d = ManifestReader.read(yaml.getBytes(StandardCharsets.UTF_8)).get(0);
        if (d.failed()) {
            throw new AssertionError(d.error().toString());
        }
        return d.object();
    }

    private static final String BASE = """
            apiVersion: v1beta1
            kind: Cell
            metadata: {name: c, labels: {app: web}}
            spec:
              realmId: r
              spaceId: s
              stackId: st
              containers:
                - id: web
                  image: busybox
                  args: [-f, -p, "8080"]
                - id: old
                  image: busybox
            """;

    @Test
    void equalObjectsHaveNoChanges() {
        assertEquals(List.of(), ManifestDiff.changes(read(BASE), read(BASE)));
    }

    @Test
    void changesAreNamedByFieldWithContainersMatchedById() {
        TreeObject desired = read("""
                apiVersion: v1beta1
                kind: Cell
                metadata: {name: c, labels: {app: web, env: prod}}
                spec:
                  realmId: r
                  spaceId: s
                  stackId: st
                  containers:
                    - id: sidecar
                      image: busybox
                    - id: web
                      image: alpine
                      args: [-f, -p, "9090"]
                      resources: {pidsLimit: 10}
                """);
        assertEquals(List.of(
                "metadata.labels.env: added prod",
                "spec.containers[web].image: busybox -> alpine",
                "spec.containers[web].args: [-f, -p, 8080] -> [-f, -p, 9090]",
                "spec.containers[web].resources: added",
                "spec.containers[old]: removed",
                "spec.containers[sidecar]: added"), ManifestDiff.changes(read(BASE), desired));
    }

    @Test
    void removedLabelsAndChangedResourcesShowOldAndNew() {
        TreeObject a = read("apiVersion: v1beta1\nkind: Space\nmetadata: {name: s, labels: {a: b}}\nspec: {realmId: r, resources: {pidsLimit: 5}}\n");
        TreeObject b = read("apiVersion: v1beta1\nkind: Space\nmetadata: {name: s}\nspec: {realmId: r, resources: {pidsLimit: 6}}\n");
        assertEquals(List.of("metadata.labels: removed", "spec.resources.pidsLimit: 5 -> 6"), ManifestDiff.changes(a, b));
    }

    @Test
    void passwordsAreNeverShown() {
        TreeObject a = read("apiVersion: v1beta1\nkind: Realm\nmetadata: {name: r}\nspec: {registryCredentials: [{username: u, password: old}]}\n");
        TreeObject b = read("apiVersion: v1beta1\nkind: Realm\nmetadata: {name: r}\nspec: {registryCredentials: [{username: u, password: new}, "
                + "{username: v, password: other}]}\n");
        assertEquals(List.of("spec.registryCredentials[0].password: changed", "spec.registryCredentials[1]: added"),
                ManifestDiff.changes(a, b));
    }
}
