package io.kukeon.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What each ADD did, one 0600 file per attachment under a directory of kukeond's
 * ({@code <dir>/<network>/<containerId>~<ifName>.json}): the config list it ran, the published
 * ports and the final result. Written before the first plugin runs (without a result: an ADD is
 * under way) and again after the last, so that DEL, and an ADD after a crash, know what to undo
 * also after a daemon restart.
 */
final class ResultCache {
    /** An entry is a config list and a result of a few KB; a larger file is not ours. */
    static final int MAX_ENTRY_BYTES = 1 << 20;
    private static final String KIND = "kukeonCniCacheV1";
    /** More attachments than any network of a host holds (a /16 of leases); a listing stops there. */
    static final int MAX_LISTED = 65_536;

    /**
     * One attachment as ADD saw it.
     *
     * @param network the config list ADD ran, or null when the entry could not be read
     * @param result  the final ADD result as JSON text, or null while the ADD is under way
     */
    record Entry(NetworkConfigList network, String containerId, String ifName, List<PortMapping> portMappings, String result) {
        Entry {
            portMappings = List.copyOf(portMappings);
        }

        JsonNode resultTree() {
            return result == null ? null : CniJson.object(result);
        }
    }

    private final Path dir;

    ResultCache(Path dir) {
        this.dir = dir;
    }

    Optional<Entry> read(Attachment attachment) {
        Path file = fileOf(attachment);
        Optional<ObjectNode> read = CniJson.readOwnFile(file, MAX_ENTRY_BYTES, KIND);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode root = read.get();
        if (root.isEmpty()) {
            // something of ours is there but unreadable: an attachment of unknown state
            return Optional.of(new Entry(null, attachment.containerId(), attachment.ifName(), List.of(), null));
        }
        try {
            List<PortMapping> ports = new ArrayList<>();
            for (JsonNode p : root.path("portMappings")) {
                ports.add(PortMapping.fromJson(p));
            }
            NetworkConfigList network = NetworkConfigList.parse(root.path("config").asText(), file.toString());
            JsonNode result = root.get("result");
            return Optional.of(new Entry(network, attachment.containerId(), attachment.ifName(), ports,
                    result == null || result.isNull() ? null : CniJson.text(result)));
        } catch (InvalidArgumentException | IllegalArgumentException e) {
            return Optional.of(new Entry(null, attachment.containerId(), attachment.ifName(), List.of(), null));
        }
    }

    void write(Entry entry) {
        ObjectNode root = CniJson.MAPPER.createObjectNode();
        root.put("kind", KIND);
        root.put("containerId", entry.containerId());
        root.put("ifName", entry.ifName());
        root.put("config", entry.network().toJson());
        root.set("portMappings", PortMapping.toJson(entry.portMappings()));
        root.set("result", entry.result() == null ? null : CniJson.object(entry.result()));
        Path file = fileOf(entry.network().name(), entry.containerId(), entry.ifName());
        try {
            FileModes.createPrivateDirectories(file.getParent());
            FileModes.writePrivateFile(file, CniJson.bytes(root));
        } catch (IOException e) {
            throw new CniFailure(null, null, "the CNI result cache " + file + " cannot be written: " + e.getMessage(), e);
        }
    }

    /** Forgets the attachment, and the network's directory once it holds no other. */
    void remove(Attachment attachment) {
        Path file = fileOf(attachment);
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.getParent());
        } catch (DirectoryNotEmptyException others) {
            // other attachments of the network remain
        } catch (IOException e) {
            throw new CniFailure(null, null, "the CNI result cache " + file + " cannot be removed: " + e.getMessage(), e);
        }
    }

    /** Who is attached to {@code network}: a container ID and an interface per entry. */
    record Key(String containerId, String ifName) {}

    /** The attachments of {@code network} this cache holds an entry of, at most {@value #MAX_LISTED}. */
    List<Key> attached(String network) {
        List<Key> keys = new ArrayList<>();
        Path networkDir = dir.resolve(network);
        if (!Files.isDirectory(networkDir)) {
            return keys;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(networkDir, "*~*.json")) {
            for (Path f : files) {
                String stem = f.getFileName().toString().replaceFirst("\\.json$", "");
                int tilde = stem.indexOf('~');
                keys.add(new Key(stem.substring(0, tilde), stem.substring(tilde + 1)));
                if (keys.size() >= MAX_LISTED) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new CniFailure(null, null, "the CNI result cache " + networkDir + " cannot be listed: " + e.getMessage(), e);
        }
        return keys;
    }

    private Path fileOf(Attachment attachment) {
        return fileOf(attachment.network().name(), attachment.containerId(), attachment.ifName());
    }

    /** '~' is in neither a CNI name nor an interface name, so two attachments never share a file. */
    private Path fileOf(String network, String containerId, String ifName) {
        return dir.resolve(network).resolve(containerId + "~" + ifName + ".json");
    }
}
