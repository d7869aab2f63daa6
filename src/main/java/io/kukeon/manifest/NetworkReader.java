package io.kukeon.manifest;

import io.kukeon.model.EgressPolicy;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a space's {@code spec.network} (its {@code egress}) into the model's shape; the addresses,
 * ports and limits are the network's rules, checked before the tree sees the space.
 */
final class NetworkReader {
    private NetworkReader() {}

    /** The space's egress policy; {@link EgressPolicy#ALLOW_ALL} when it gives none. */
    static EgressPolicy egress(FieldReader spec) {
        FieldReader network = spec.mapping("network");
        if (network == null) {
            return EgressPolicy.ALLOW_ALL;
        }
        FieldReader egress = network.mapping("egress");
        network.rejectUnknown();
        if (egress == null) {
            return EgressPolicy.ALLOW_ALL;
        }
        EgressPolicy.Default defaultAction = EgressPolicy.Default.parse(egress.field("default"), egress.string("default"));
        List<EgressPolicy.Target> allow = new ArrayList<>();
        List<FieldReader> targets = egress.mappings("allow");
        if (targets != null) {
            for (FieldReader t : targets) {
                allow.add(EgressPolicy.Target.of(t.path(), t.string("host"), t.string("cidr"), ports(t)));
                t.rejectUnknown();
            }
        }
        egress.rejectUnknown();
        return new EgressPolicy(defaultAction, allow);
    }

    private static List<Integer> ports(FieldReader target) {
        List<Long> given = target.integers("ports");
        if (given == null) {
            return List.of();
        }
        if (given.isEmpty()) {
            throw target.context().problem(target.field("ports"), target.markOf("ports"),
                    "is empty; leave ports out to allow every port and protocol");
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            long port = given.get(i);
            // the port rule (1..65535) is the network's; here only what fits an int reaches it
            if (port < Integer.MIN_VALUE || port > Integer.MAX_VALUE) {
                throw target.context().problem(target.field("ports") + "[" + i + "]", target.markOf("ports"),
                        port + " is not a port: 1..65535");
            }
            ports.add((int) port);
        }
        return ports;
    }
}
