package io.kukeon.network;

import java.nio.file.Path;
import java.util.List;

/**
 * One attachment of a container's network namespace to a network: what ADD, CHECK and DEL are
 * given.
 *
 * @param containerId  the CNI container ID (kukeond gives the root container's containerd ID)
 * @param netns        the namespace to attach ({@code /proc/PID/ns/net} or a {@code /run/netns} path); null
 *                     for a DEL once it is gone, so that a path whose PID was reused is never entered
 * @param ifName       the interface made inside it, e.g. {@code eth0}
 * @param portMappings the published ports, handed to plugins declaring {@code portMappings}; may be empty
 */
public record Attachment(NetworkConfigList network, String containerId, Path netns, String ifName, List<PortMapping> portMappings) {

    public Attachment {
        if (containerId == null || !containerId.matches(NetworkConfigList.NAME_PATTERN) || containerId.length() > 255) {
            throw new IllegalArgumentException("container ID \"" + containerId + "\" breaks the CNI rule: letters, digits, '_', '.', '-'");
        }
        if (!InterfaceName.isValid(ifName)) {
            throw new IllegalArgumentException("interface name \"" + ifName + "\" must be " + InterfaceName.RULE);
        }
        portMappings = List.copyOf(portMappings);
    }

    /** The attachment without published ports. */
    public Attachment(NetworkConfigList network, String containerId, Path netns, String ifName) {
        this(network, containerId, netns, ifName, List.of());
    }
}
