package io.kukeon.daemon;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@code cgroup-root = auto} takes, from what /proc/self/cgroup and systemd's INVOCATION_ID say. */
class CgroupRootChoiceTest {
    static final String HYBRID_SERVICE = """
            12:memory:/system.slice/kukeond.service
            3:cpuset:/
            1:name=systemd:/system.slice/kukeond.service
            0::/system.slice/kukeond.service
            """;
    static final String LEGACY_SERVICE = """
            4:memory:/system.slice/kukeond.service
            1:name=systemd:/system.slice/kukeond.service
            """;

    @Test
    void aServiceOnV1OrHybridTakesAGroupInItsDelegatedSubtree() {
        assertEquals("system.slice/kukeond.service/kukeon", CgroupRootChoice.of(HYBRID_SERVICE, "abc", false).root());
        assertEquals("system.slice/kukeond.service/kukeon", CgroupRootChoice.of(LEGACY_SERVICE, "abc", false).root());
        assertTrue(CgroupRootChoice.of(LEGACY_SERVICE, "abc", false).why().contains("kukeond.service"));
    }

    @Test
    void onV2OnlyWhenSystemdStartedKukeondInASubgroup() {
        CgroupRootChoice subgroup = CgroupRootChoice.of("0::/system.slice/kukeond.service/supervisor\n", "abc", true);
        assertEquals("system.slice/kukeond.service/kukeon", subgroup.root());

        CgroupRootChoice itself = CgroupRootChoice.of("0::/system.slice/kukeond.service\n", "abc", true);
        assertEquals("kukeon", itself.root());
        assertTrue(itself.why().contains("DelegateSubgroup"), itself.why());
    }

    @Test
    void withoutASystemdServiceTheTopOfTheHierarchy() {
        assertEquals("kukeon", CgroupRootChoice.of(HYBRID_SERVICE, null, false).root(), "no INVOCATION_ID: run by hand");
        assertEquals("kukeon", CgroupRootChoice.of("0::/user.slice/session-3.scope\n", "abc", true).root());
        assertEquals("kukeon", CgroupRootChoice.of("0::/\n1:name=systemd:/\n", "abc", false).root());
        CgroupRootChoice odd = CgroupRootChoice.of("0::/system.slice/kukeond@Blue.service\n", "abc", false);
        assertEquals("kukeon", odd.root());
        assertTrue(odd.why().contains("does not use"), odd.why());
    }
}
