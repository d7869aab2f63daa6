package io.kukeon.supervisor.cell;

import io.kukeon.model.CellNetworkStatus;
import io.kukeon.model.Kind;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.TreeObject;
import io.kukeon.network.CellAddress;
import io.kukeon.network.CellNameFiles;
import io.kukeon.supervisor.Ports;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A cell's {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf} (see
 * {@link CellNameFiles}), and its line in the {@code /etc/hosts} of the other cells of its space:
 * written when its root gets an address, taken out when it gives it back. The other cells and
 * their addresses are read from the index; a cell whose start overlapped ours and had not shown
 * its address yet is added at the next refresh (each relist), so every file is current within one.
 */
final class CellNames {
    private static final Logger LOG = LoggerFactory.getLogger(CellNames.class);

    private static final Path HOST_HOSTS = Path.of("/etc/hosts");
    private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");

    private final Ports ports;
    private final ObjectPath cell;
    private final CellNameFiles files;

    CellNames(Ports ports, ObjectPath cell) {
        this.ports = ports;
        this.cell = cell;
        this.files = new CellNameFiles(ports.settings().cellDir(cell));
    }

    /**
     * Before any container of the cell starts: their specs bind the three files. A cell on the
     * host's network gets the host's own hosts and resolv.conf (its loopback is the host's).
     */
    void prepare(boolean onHostNetwork) {
        try {
            if (onHostNetwork) {
                files.prepareForHostNetwork(cell.name(), HOST_HOSTS, HOST_RESOLV_CONF);
                return;
            }
            files.prepare(cell.name(), ports.networks().cellResolvConf());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the name files of cell " + cell + ": " + e.getMessage(), e);
        }
    }

    /** The root has {@code address}: our file lists it and the other cells, theirs list us. */
    void addressed(CellNetworkStatus address) {
        List<Peer> peers = peers();
        List<CellAddress> all = writeOwn(address, peers);
        peers.forEach(peer -> rewrite(peer, all));
    }

    /** The root gave its address back: the other cells no longer list us. */
    void unaddressed() {
        List<Peer> peers = peers();
        List<CellAddress> rest = peers.stream().map(Peer::address).toList();
        peers.forEach(peer -> rewrite(peer, rest));
    }

    /**
     * Our file made current with the index (a relist): cells that came or went meanwhile. Only
     * ours: each cell refreshes its own, so a relist costs one write per cell, not one per pair.
     */
    void refresh(CellNetworkStatus address) {
        writeOwn(address, peers());
    }

    /** Our /etc/hosts: us and {@code peers}; returns the space's cells it lists. */
    private List<CellAddress> writeOwn(CellNetworkStatus address, List<Peer> peers) {
        CellAddress self = new CellAddress(cell.name(), address.address());
        List<CellAddress> all = new ArrayList<>(peers.stream().map(Peer::address).toList());
        all.add(self);
        try {
            files.rewriteHosts(self, all);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write /etc/hosts of cell " + cell + ": " + e.getMessage(), e);
        }
        return all;
    }

    void delete() {
        try {
            files.delete();
        } catch (IOException e) {
            LOG.warn("cannot remove the name files of cell {}: {}", cell, e.getMessage());
        }
    }

    /** The other cells of our space that have an address now, as the index shows them. */
    private List<Peer> peers() {
        ObjectPath space = cell.ancestor(Kind.SPACE);
        List<Peer> peers = new ArrayList<>();
        for (TreeObject o : ports.index().list(Kind.CELL, space, labels -> true)) {
            if (o.path().equals(cell) || !(o instanceof TreeObject.Cell other) || other.status() == null
                    || other.status().network() == null) {
                continue;
            }
            peers.add(new Peer(o.path(), new CellAddress(o.path().name(), other.status().network().address())));
        }
        return peers;
    }

    /** Another cell of the space and its address. */
    private record Peer(ObjectPath path, CellAddress address) {}

    /** A peer's /etc/hosts with {@code spaceCells}; one not written yet (it has not started since) is left to its start. */
    private void rewrite(Peer peer, List<CellAddress> spaceCells) {
        CellNameFiles theirs = new CellNameFiles(ports.settings().cellDir(peer.path()));
        if (!Files.exists(theirs.directory().resolve(CellNameFiles.HOSTS))) {
            return;
        }
        try {
            theirs.rewriteHosts(peer.address(), spaceCells);
        } catch (IOException e) {
            LOG.warn("cannot rewrite /etc/hosts of cell {}: {}", peer.path(), e.getMessage());
        }
    }
}
