package io.kukeon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.kukeon.network.Attachment;
import io.kukeon.network.CniFailure;
import io.kukeon.network.CniNetworks;
import io.kukeon.network.Ipv4;
import io.kukeon.network.Ipv4Subnet;
import io.kukeon.network.NetworkAttachment;
import io.kukeon.network.NetworkConfigList;
import io.kukeon.network.PluginConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory CNI for actor tests: hands out addresses of the network's subnet (its host-local
 * range, 10.88.0.0/24 when it names none) from .2 up, one per attachment, the same again for a
 * repeated ADD; records every call; fails the next call of a command on request.
 */
public final class FakeCniNetworks implements CniNetworks {
    /** One call, in the order they came. */
    public record Call(String command, String network, String containerId, String ifName, Attachment attachment) {}

    private static final Ipv4Subnet DEFAULT_SUBNET = Ipv4Subnet.parse("10.88.0.0/24", "test");

    private final List<Call> calls = new ArrayList<>();
    /** network name → (containerId~ifName → attachment) */
    private final Map<String, Map<String, NetworkAttachment>> attached = new ConcurrentHashMap<>();
    private final Map<String, CniFailure> failNext = new ConcurrentHashMap<>();

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The attachments of {@code network} now, by {@code containerId~ifName}. */
    public Map<String, NetworkAttachment> attachments(String network) {
        return Map.copyOf(attached.getOrDefault(network, Map.of()));
    }

    /** The next call of {@code command} (ADD, CHECK, DEL) throws {@code failure} and changes nothing. */
    public void failNext(String command, CniFailure failure) {
        failNext.put(command, failure);
    }

    @Override
    public synchronized NetworkAttachment add(Attachment attachment) {
        record("ADD", attachment);
        Map<String, NetworkAttachment> ofNetwork = attached.computeIfAbsent(attachment.network().name(), n -> new ConcurrentHashMap<>());
        NetworkAttachment existing = ofNetwork.get(key(attachment));
        if (existing != null) {
            return existing;
        }
        Ipv4Subnet subnet = subnetOf(attachment.network());
        for (long offset = 2; offset < subnet.size() - 1; offset++) {
            String address = Ipv4.format(subnet.address(offset));
            if (ofNetwork.values().stream().noneMatch(a -> a.address().equals(address))) {
                NetworkAttachment made = new NetworkAttachment(address, subnet.prefixLength(), Ipv4.format(subnet.address(1)),
                        attachment.network().bridgeName(), "veth" + Integer.toHexString(key(attachment).hashCode()));
                ofNetwork.put(key(attachment), made);
                return made;
            }
        }
        throw new CniFailure("host-local", 999, "fake: no address left in " + subnet);
    }

    @Override
    public synchronized void check(Attachment attachment) {
        record("CHECK", attachment);
        if (!attached.getOrDefault(attachment.network().name(), Map.of()).containsKey(key(attachment))) {
            throw new CniFailure(null, null, "fake: container " + attachment.containerId() + " has no attachment to network "
                    + attachment.network().name());
        }
    }

    @Override
    public synchronized void delete(Attachment attachment) {
        record("DEL", attachment);
        Map<String, NetworkAttachment> ofNetwork = attached.get(attachment.network().name());
        if (ofNetwork != null) {
            ofNetwork.remove(key(attachment));
        }
    }

    @Override
    public synchronized List<Attachment> attachments(NetworkConfigList network) {
        return attached.getOrDefault(network.name(), Map.of()).keySet().stream().sorted().map(key -> {
            int tilde = key.indexOf('~');
            return new Attachment(network, key.substring(0, tilde), null, key.substring(tilde + 1));
        }).toList();
    }

    private void record(String command, Attachment attachment) {
        calls.add(new Call(command, attachment.network().name(), attachment.containerId(), attachment.ifName(), attachment));
        CniFailure failure = failNext.remove(command);
        if (failure != null) {
            throw failure;
        }
    }

    private static String key(Attachment attachment) {
        return attachment.containerId() + "~" + attachment.ifName();
    }

    /** The first host-local range of the list's plugins. */
    private static Ipv4Subnet subnetOf(NetworkConfigList network) {
        for (PluginConfig plugin : network.plugins()) {
            JsonNode subnet = plugin.tree().at("/ipam/ranges/0/0/subnet");
            if (!subnet.isTextual()) {
                subnet = plugin.tree().at("/ipam/subnet");
            }
            if (subnet.isTextual()) {
                return Ipv4Subnet.parse(subnet.asText(), "fake CNI: ipam subnet of " + network.name());
            }
        }
        return DEFAULT_SUBNET;
    }
}
