package io.kukeon.cli;

import io.kukeon.model.Names;
import io.kukeon.model.Sizes;
import io.kukeon.wire.v1.Image;
import io.kukeon.wire.v1.ListImagesRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true, description = "List the images of a realm.")
final class ImageListCommand extends DaemonCommand {
    @Option(names = "--realm", defaultValue = "default", description = "Realm (default: ${DEFAULT-VALUE}).")
    String realm;

    @Override
    int run(DaemonConnection daemon) {
        Names.require("--realm", realm);
        List<Image> images = daemon.calls().listImages(ListImagesRequest.newBuilder().setRealm(realm).build()).getImagesList();
        out().print(render(images, realm));
        return 0;
    }

    static String render(List<Image> images, String realm) {
        if (images.isEmpty()) {
            return "No images found in realm \"" + realm + "\".\n";
        }
        Table t = new Table(List.of("NAME", "DIGEST", "SIZE"));
        images.forEach(i -> t.add(List.of(i.getName(), shortDigest(i.getDigest()), Sizes.of(i.getSize()))));
        return t.render();
    }

    /** {@code sha256:} and the first 12 hex digits, as docker shows image IDs. */
    static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return colon >= 0 && digest.length() > colon + 13 ? digest.substring(0, colon + 13) : digest;
    }
}
