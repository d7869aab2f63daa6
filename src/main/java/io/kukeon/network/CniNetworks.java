package io.kukeon.network;

import java.util.List;

/**
 * The port to CNI: attaches a container's network namespace to a network and detaches it. Every
 * method blocks and is idempotent; calls for one attachment (network, container ID, interface)
 * must not overlap, which one actor per cell guarantees.
 */
public interface CniNetworks {

    /**
     * Attaches, or finds the attachment an earlier ADD made (a crash after ADD, before the caller
     * recorded it): then the same address is returned, never a second lease.
     *
     * @throws CniFailure naming the plugin that failed; nothing of this ADD is left behind
     */
    NetworkAttachment add(Attachment attachment);

    /**
     * Whether the attachment is still as ADD made it.
     *
     * @throws CniFailure naming the plugin that found it changed, or when there is no such attachment
     */
    void check(Attachment attachment);

    /**
     * Detaches and releases the address. What is already gone (no attachment, the namespace
     * removed, the lease released) is success.
     *
     * @throws CniFailure naming the plugin that failed; a later DEL retries
     */
    void delete(Attachment attachment);

    /**
     * The attachments to {@code network} made and not yet deleted, as DEL takes them (without a
     * namespace), so that whoever removes a network can release what is left on it.
     */
    List<Attachment> attachments(NetworkConfigList network);
}
