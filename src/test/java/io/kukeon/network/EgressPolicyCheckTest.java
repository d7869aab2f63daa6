package io.kukeon.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.kukeon.manifest.ManifestDocument;
import io.kukeon.manifest.ManifestReader;
import io.kukeon.manifest.ManifestWriter;
import io.kukeon.model.EgressPolicy;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.TreeObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A space's {@code spec.network.egress} as the daemon takes it from a manifest: read by the
 * manifest reader (its shape), then checked by {@link EgressPolicyCheck} (its rules), as apply does.
 */
class EgressPolicyCheckTest {
    private static final String FIELD = "spec.network.egress";

    @Test
    void readsDefaultAndTargetsAsAManifestGivesThem() {
        EgressPolicy policy = policy("""
                      default: deny
                      allow:
                        - cidr: 10.0.0.0/8
                          ports: [80, 443]
                        - host: api.example.com
                        - host: 192.168.1.5
                          ports: [22]
                """);

        assertEquals(new EgressPolicy(EgressPolicy.Default.DENY, List.of(
                EgressPolicy.Target.cidr("10.0.0.0/8", 80, 443),
                EgressPolicy.Target.host("api.example.com"),
                EgressPolicy.Target.host("192.168.1.5", 22))), policy);
    }

    @Test
    void noPolicyAllowsAllButOtherSpaces() {
        assertEquals(EgressPolicy.ALLOW_ALL, space("spec: {realmId: r}").spec().egress());
        assertEquals(EgressPolicy.ALLOW_ALL, space("spec: {realmId: r, network: {}}").spec().egress());
    }

    @Test
    void writesBackWhatItReads() {
        TreeObject.Space space = space("spec: {realmId: r, network: {egress: {default: allow, allow: [{cidr: 10.88.3.0/24, ports: [5432]}, {host: db.internal}]}}}");

        String written = ManifestWriter.yaml(List.of(space));

        assertEquals(space.spec(), space(written).spec());
    }

    /** The policy is journaled with the space: it must survive Jackson CBOR as it is. */
    @Test
    void survivesJacksonCbor() throws Exception {
        EgressPolicy policy = policy("{default: deny, allow: [{cidr: 10.0.0.0/8, ports: [443]}, {host: api.example.com}]}");
        ObjectMapper cbor = new ObjectMapper(new CBORFactory());

        assertEquals(policy, cbor.readValue(cbor.writeValueAsBytes(policy), EgressPolicy.class));
    }

    @Test
    void eachBadInputNamesItsFieldAndRule() {
        assertError("{allow: []}", "spec.network.egress.default: is required: allow or deny");
        assertError("{default: block}", "spec.network.egress.default: \"block\" is not allow or deny");
        assertError("{default: deny, allowed: []}", "spec.network.egress.allowed: unknown field; did you mean allow?");
        assertError("[1]", "spec.network.egress: expected a mapping of fields (got a list)");
        assertError("{default: deny, allow: {cidr: 10.0.0.0/8}}", "spec.network.egress.allow: expected a list (got a mapping)");
        assertError("{default: deny, allow: [{cidr: 10.0.0.0/8}, {ports: [80]}]}",
                "spec.network.egress.allow[1]: needs a host or a cidr");
        assertError("{default: deny, allow: [{host: a.example, cidr: 10.0.0.0/8}]}",
                "spec.network.egress.allow[0]: has both host and cidr; give exactly one");
        assertError("{default: deny, allow: [{cidr: 10.0.0.0/8, port: 80}]}",
                "spec.network.egress.allow[0].port: unknown field; did you mean ports?");
        assertError("{default: deny, allow: [{cidr: 1.1.1.1/32}, {cidr: 1.1.1.1/32}, {cidr: 10.1.2.3/24}]}",
                "spec.network.egress.allow[2].cidr: \"10.1.2.3/24\" has host bits set; the network is 10.1.2.0/24");
        assertError("{default: deny, allow: [{cidr: 10.1.2.3}]}",
                "spec.network.egress.allow[0].cidr: \"10.1.2.3\" has no prefix length (an IPv4 network like 10.0.0.0/8; a single address is 10.1.2.3/32)");
        assertError("{default: deny, allow: [{cidr: 'fd00::/8'}]}",
                "spec.network.egress.allow[0].cidr: \"fd00::/8\" is IPv6; only IPv4 is supported");
        assertError("{default: deny, allow: [{cidr: 10.0.0.256/32}]}",
                "spec.network.egress.allow[0].cidr: \"10.0.0.256/32\": each of the 4 numbers is 0..255, without leading zeros");
        assertError("{default: deny, allow: [{cidr: 10.0.0.0/33}]}",
                "spec.network.egress.allow[0].cidr: \"10.0.0.0/33\": the prefix length is 0..32");
        assertError("{default: deny, allow: [{cidr: 10/8}]}",
                "spec.network.egress.allow[0].cidr: \"10/8\" is not an IPv4 network (an IPv4 network like 10.0.0.0/8)");
        assertError("{default: deny, allow: [{cidr: [8]}]}", "spec.network.egress.allow[0].cidr: expected a string (got a list)");
        assertError("{default: deny, allow: [{host: '::1'}]}", "spec.network.egress.allow[0].host: \"::1\" is IPv6; only IPv4 is supported");
        assertError("{default: deny, allow: [{host: 'bad_host!'}]}",
                "spec.network.egress.allow[0].host: \"bad_host!\" is not a host name (labels of letters, digits and '-' joined by '.', at most 253 characters)");
        assertError("{default: deny, allow: [{host: 300.1.1.1}]}",
                "spec.network.egress.allow[0].host: \"300.1.1.1\" is not an IPv4 address (4 numbers 0..255)");
        assertError("{default: deny, allow: [{host: a.example, ports: [80, 0]}]}",
                "spec.network.egress.allow[0].ports[1]: 0 is not a port: 1..65535");
        assertError("{default: deny, allow: [{host: a.example, ports: [65536]}]}",
                "spec.network.egress.allow[0].ports[0]: 65536 is not a port: 1..65535");
        assertError("{default: deny, allow: [{host: a.example, ports: [99999999999]}]}",
                "spec.network.egress.allow[0].ports[0]: 99999999999 is not a port: 1..65535");
        assertError("{default: deny, allow: [{host: a.example, ports: ['80']}]}",
                "spec.network.egress.allow[0].ports[0]: expected a whole number (got \"80\")");
        assertError("{default: deny, allow: [{host: a.example, ports: [443, 443]}]}",
                "spec.network.egress.allow[0].ports[1]: 443 is given twice");
        assertError("{default: deny, allow: [{host: a.example, ports: []}]}",
                "spec.network.egress.allow[0].ports: is empty; leave ports out to allow every port and protocol");
        assertError("{default: deny, allow: [{host: a.example, ports: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}",
                "spec.network.egress.allow[0].ports: has 16 ports; at most 15");
        assertError("{default: deny, cniConfigPath: /x}", "spec.network.egress.cniConfigPath: unknown field");
    }

    @Test
    void anUnknownFieldBesideEgressIsRefusedByName() {
        assertEquals("spec.network.ingress: unknown field; did you mean egress?", read("spec: {realmId: r, network: {ingress: {default: deny}}}").error().text());
    }

    @Test
    void refusesMoreTargetsThanItsLimit() {
        String targets = IntStream.range(0, EgressPolicyCheck.MAX_TARGETS + 1).mapToObj(i -> "{cidr: 10.0." + i + ".0/24}")
                .collect(Collectors.joining(", "));

        assertError("{default: deny, allow: [" + targets + "]}", "spec.network.egress.allow: has 65 targets; at most 64");
    }

    private static ManifestDocument read(String spec) {
        String yaml = "apiVersion: v1beta1\nkind: Space\nmetadata: {name: s}\n" + spec + "\n";
        return ManifestReader.read(yaml.getBytes(StandardCharsets.UTF_8)).get(0);
    }

    private static TreeObject.Space space(String spec) {
        ManifestDocument d = spec.startsWith("---")
                ? ManifestReader.read(spec.getBytes(StandardCharsets.UTF_8)).get(0) : read(spec);
        if (d.failed()) {
            throw new AssertionError(d.error().toString());
        }
        return (TreeObject.Space) d.object();
    }

    /** The policy of {@code egress} (flow or block YAML), read and checked as apply does. */
    private static EgressPolicy policy(String egress) {
        EgressPolicy policy = space("spec:\n  realmId: r\n  network:\n    egress:\n" + egress.indent(6)).spec().egress();
        EgressPolicyCheck.check(policy, FIELD);
        return policy;
    }

    private static void assertError(String egress, String message) {
        ManifestDocument d = read("spec: {realmId: r, network: {egress: " + egress + "}}");
        if (d.failed()) {
            assertEquals(message, d.error().text(), egress);
            return;
        }
        TreeObject.Space space = (TreeObject.Space) d.object();
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> EgressPolicyCheck.check(space.spec().egress(), FIELD), egress);
        assertEquals(message, e.getMessage(), egress);
    }
}
