package io.kukeon.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@link CniNetworks} by executing the CNI plugins of a config list: ADD in order, each plugin
 * given the previous one's result as {@code prevResult}; CHECK in order and DEL in reverse order,
 * each given the cached final result. The {@link ResultCache} makes DEL and a repeated ADD work
 * after a daemon restart.
 */
public final class CniPluginRuntime implements CniNetworks {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CniPluginRuntime.class);
    /** The first spec version with CHECK. */
    private static final List<String> VERSIONS_WITHOUT_CHECK = List.of("0.3.0", "0.3.1");

    private final CniPlugins plugins;
    private final ResultCache cache;

    /**
     * @param cacheDir where results are cached (kukeond gives a directory under its data dir)
     */
    public CniPluginRuntime(CniPlugins plugins, Path cacheDir) {
        this.plugins = plugins;
        this.cache = new ResultCache(cacheDir);
    }

    @Override
    public NetworkAttachment add(Attachment attachment) {
        requireNamespace(attachment, "ADD");
        Optional<ResultCache.Entry> cached = cache.read(attachment);
        if (cached.isEmpty()) {
            return addAfresh(attachment, "");
        }
        ResultCache.Entry entry = cached.get();
        boolean sameRequest = attachment.network().equals(entry.network()) && attachment.portMappings().equals(entry.portMappings());
        if (entry.result() != null && sameRequest) {
            try {
                runCheck(attachment, entry);
                return attachmentOf(entry);
            } catch (CniFailure changed) {
                LOG.info("CNI attachment of {} to {} failed CHECK, made again at its address: {}",
                        attachment.containerId(), attachment.network().name(), changed.getMessage());
            }
        }
        // an ADD that did not finish, one that no longer holds, or one with other ports or config: undo it, ADD again at the same address
        runDelete(attachment, entry);
        String address = entry.result() == null ? null : attachmentOf(entry).address();
        if (address != null) {
            try {
                return addAfresh(attachment, "IgnoreUnknown=1;IP=" + address);
            } catch (CniFailure addressTaken) {
                LOG.info("CNI attachment of {} to {} could not have {} again: {}", attachment.containerId(),
                        attachment.network().name(), address, addressTaken.getMessage());
            }
        }
        return addAfresh(attachment, "");
    }

    @Override
    public void check(Attachment attachment) {
        requireNamespace(attachment, "CHECK");
        ResultCache.Entry entry = cache.read(attachment).orElseThrow(() -> new CniFailure(null, null,
                "container " + attachment.containerId() + " has no attachment to network " + attachment.network().name()));
        if (entry.result() == null) {
            throw new CniFailure(null, null, "the attachment of container " + attachment.containerId() + " to network "
                    + attachment.network().name() + " was not finished (ADD was interrupted)");
        }
        if (!attachment.network().equals(entry.network())) {
            throw new CniFailure(null, null, "the attachment of container " + attachment.containerId() + " was made with another config of network "
                    + attachment.network().name());
        }
        runCheck(attachment, entry);
    }

    @Override
    public void delete(Attachment attachment) {
        ResultCache.Entry entry = cache.read(attachment).orElse(
                new ResultCache.Entry(attachment.network(), attachment.containerId(), attachment.ifName(), attachment.portMappings(), null));
        runDelete(attachment, entry);
        cache.remove(attachment);
    }

    @Override
    public List<Attachment> attachments(NetworkConfigList network) {
        return cache.attached(network.name()).stream()
                .map(key -> new Attachment(network, key.containerId(), null, key.ifName())).toList();
    }

    /** Runs ADD through the chain; on a failure undoes what ran, so nothing of it is left. */
    private NetworkAttachment addAfresh(Attachment attachment, String cniArgs) {
        attachment.network().plugins().forEach(p -> plugins.find(p.type()));   // a missing plugin fails before anything changed
        ResultCache.Entry underWay = new ResultCache.Entry(attachment.network(), attachment.containerId(),
                attachment.ifName(), attachment.portMappings(), null);
        cache.write(underWay);
        NetworkConfigList network = attachment.network();
        ObjectNode runtimeConfig = runtimeConfig(attachment.portMappings());
        JsonNode result = null;
        try {
            for (int i = 0; i < network.plugins().size(); i++) {
                result = plugins.run("ADD", attachment, attachment.netns(), cniArgs, network.pluginInput(i, runtimeConfig, result));
            }
        } catch (CniFailure failed) {
            try {
                runDelete(attachment, underWay);
                cache.remove(attachment);
            } catch (CniFailure undoFailed) {
                throw new CniFailure(failed.plugin(), failed.code(), failed.getMessage()
                        + "; undoing it failed too (a later DEL retries): " + undoFailed.getMessage(), failed);
            }
            throw failed;
        }
        ResultCache.Entry done = new ResultCache.Entry(network, attachment.containerId(), attachment.ifName(),
                attachment.portMappings(), CniJson.text(result));
        cache.write(done);
        return attachmentOf(done);
    }

    private void runCheck(Attachment attachment, ResultCache.Entry entry) {
        NetworkConfigList network = entry.network();
        if (network.disableCheck()) {
            return;
        }
        if (VERSIONS_WITHOUT_CHECK.contains(network.cniVersion())) {
            throw new CniFailure(null, null, "network " + network.name() + " has cniVersion " + network.cniVersion()
                    + ", which has no CHECK (0.4.0 or later has)");
        }
        ObjectNode runtimeConfig = runtimeConfig(entry.portMappings());
        JsonNode result = entry.resultTree();
        for (int i = 0; i < network.plugins().size(); i++) {
            plugins.run("CHECK", attachment, attachment.netns(), "", network.pluginInput(i, runtimeConfig, result));
        }
    }

    /** DEL in reverse order with the config list, ports and result ADD had (an unreadable entry: the caller's list). */
    private void runDelete(Attachment attachment, ResultCache.Entry entry) {
        NetworkConfigList network = entry.network() != null ? entry.network() : attachment.network();
        ObjectNode runtimeConfig = runtimeConfig(entry.network() != null ? entry.portMappings() : attachment.portMappings());
        JsonNode result = entry.resultTree();
        for (int i = network.plugins().size() - 1; i >= 0; i--) {
            plugins.run("DEL", attachment, attachment.netns(), "", network.pluginInput(i, runtimeConfig, result));
        }
    }

    private static void requireNamespace(Attachment attachment, String command) {
        if (attachment.netns() == null) {
            throw new IllegalArgumentException(command + " of container " + attachment.containerId() + " needs its network namespace");
        }
    }

    private static NetworkAttachment attachmentOf(ResultCache.Entry entry) {
        return NetworkAttachment.fromResult(entry.resultTree(), entry.network().name(), entry.network().bridgeName());
    }

    /** The runtime config of the capabilities we provide; each plugin gets those it declares. */
    private static ObjectNode runtimeConfig(List<PortMapping> portMappings) {
        ObjectNode runtimeConfig = CniJson.MAPPER.createObjectNode();
        if (!portMappings.isEmpty()) {
            runtimeConfig.set("portMappings", PortMapping.toJson(portMappings));
        }
        return runtimeConfig;
    }
}
