package io.kukeon.cli;

import io.kukeon.model.Sizes;
import io.kukeon.wire.v1.Image;
import io.kukeon.wire.v1.ListImagesRequest;
import io.kukeon.wire.v1.ListRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The images of every realm, or of the one {@code --realm} names, each with the cells that use it:
 * images are held per realm (its containerd namespace).
 */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
        description = "List the images of every realm, or of one, with their sizes and the cells that use them.",
        footer = {"%nExamples:",
                "  # the images of every realm",
                "  kuke image ls",
                "  # those of realm demo",
                "  kuke image ls --realm demo"})
class ImageListCommand extends DaemonCommand {
    /** {@code kuke get images}: the same list. */
    @Command(name = "image", aliases = {"images", "img"}, mixinStandardHelpOptions = true,
            description = "List the images of every realm, or of one, with their sizes and the cells that use them.",
            footer = {"%nExamples:",
                    "  # the images of every realm",
                    "  kuke get images",
                    "  # the names of realm demo's images",
                    "  kuke get images --realm demo -o jsonpath='{.items[*].name}'"})
    static final class Get extends ImageListCommand {
    }

    @Option(names = "--realm", paramLabel = "REALM", description = "Only this realm's images (left out: every realm's).")
    String realm;

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", converter = Output.Parse.class,
            description = "table, yaml, json, name (image/REALM/NAME) or jsonpath=TEMPLATE (default: ${DEFAULT-VALUE}).")
    Output output;

    /** One image of one realm, as listed. */
    record RealmImage(String realm, Image image) {}

    @Override
    int run(DaemonConnection daemon) {
        ScopeFilter filter = new ScopeFilter(realm);
        List<String> realms = realm != null ? List.of(realm)
                : daemon.listAll(ListRequest.newBuilder().setKind("Realm").build()).stream().map(r -> r.getPath()).toList();
        List<RealmImage> images = new ArrayList<>();
        for (String r : realms) {
            daemon.calls().listImages(ListImagesRequest.newBuilder().setRealm(r).build()).getImagesList()
                    .forEach(i -> images.add(new RealmImage(r, i)));
        }
        out().print(Printed.render(output, images.stream().map(ImageListCommand::item).toList(), false,
                () -> render(images, filter)));
        return 0;
    }

    static String render(List<RealmImage> images, ScopeFilter filter) {
        if (images.isEmpty()) {
            return "No images found" + filter.where() + ".\n";
        }
        Table t = new Table(List.of("NAME", "REALM", "DIGEST", "SIZE", "USED BY"));
        images.forEach(i -> t.add(List.of(i.image().getName(), i.realm(), shortDigest(i.image().getDigest()),
                Sizes.of(i.image().getSize()), i.image().getUsedByCount() == 0 ? "-" : String.join(",", i.image().getUsedByList()))));
        return t.render();
    }

    private static Printed.Item item(RealmImage i) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("realm", i.realm());
        doc.put("name", i.image().getName());
        doc.put("digest", i.image().getDigest());
        doc.put("sizeBytes", i.image().getSize());
        doc.put("usedBy", List.copyOf(i.image().getUsedByList()));
        return new Printed.Item("image/" + i.realm() + "/" + i.image().getName(), doc);
    }

    /** {@code sha256:} and the first 12 hex digits, as docker shows image IDs. */
    static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return colon >= 0 && digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }
}
