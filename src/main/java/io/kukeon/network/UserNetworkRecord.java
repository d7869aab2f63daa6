package io.kukeon.network;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.secrets.FileModes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Kukeond's record of a user's network in use by a space, a 0600 file under its data dir: the
 * user's file, a copy of the config the space's cells are attached with (so that their DEL works
 * when the user's file changed or vanished, as libcni's cache does), and whether kukeond made
 * the bridge (so that removing the space deletes only a bridge of its own).
 */
record UserNetworkRecord(Path file, NetworkConfigList config, boolean bridgeMade) {
    private static final String KIND = "kukeonUserNetworkV1";
    /** A conflist and a few fields. */
    private static final int MAX_BYTES = 2 * NetworkConfigList.MAX_BYTES;

    /** @return empty when there is no record */
    static Optional<UserNetworkRecord> read(Path record) {
        Optional<ObjectNode> read = CniJson.readOwnFile(record, MAX_BYTES, KIND);
        if (read.isEmpty()) {
            return Optional.empty();
        }
        ObjectNode root = read.get();
        if (root.isEmpty()) {
            throw new CniFailure(null, null, record + " is not kukeond's record of a user's network; move it away and"
                    + " ensure the space again");
        }
        try {
            return Optional.of(new UserNetworkRecord(Path.of(root.path("file").asText()),
                    NetworkConfigList.parse(root.path("config").asText(), record.toString()), root.path("bridgeMade").asBoolean()));
        } catch (InvalidArgumentException e) {
            throw new CniFailure(null, null, record + " holds no valid config: " + e.getMessage(), e);
        }
    }

    void write(Path record) {
        ObjectNode root = CniJson.MAPPER.createObjectNode();
        root.put("kind", KIND);
        root.put("file", file.toString());
        root.put("bridgeMade", bridgeMade);
        root.put("config", config.toJson());
        try {
            FileModes.createPrivateDirectories(record.getParent());
            FileModes.writePrivateFile(record, CniJson.bytes(root));
        } catch (IOException e) {
            throw new CniFailure(null, null, "cannot write " + record + ": " + e.getMessage(), e);
        }
    }
}
