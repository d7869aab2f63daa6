package io.kukeon.manifest;

import io.kukeon.model.InvalidArgumentException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LabelSelectorTest {
    private static final Map<String, String> PROD_WEB = Map.of("env", "prod", "tier", "web", "team", "a");

    @Test
    void everyOperatorMatchesAsKubectlDoes() {
        assertTrue(LabelSelector.parse("env=prod").matches(PROD_WEB));
        assertTrue(LabelSelector.parse("env==prod").matches(PROD_WEB));
        assertFalse(LabelSelector.parse("env=dev").matches(PROD_WEB));
        assertTrue(LabelSelector.parse("tier!=db").matches(PROD_WEB));
        assertTrue(LabelSelector.parse("tier!=db").matches(Map.of()), "!= also matches objects without the label");
        assertFalse(LabelSelector.parse("tier!=web").matches(PROD_WEB));
        assertTrue(LabelSelector.parse("team").matches(PROD_WEB));
        assertFalse(LabelSelector.parse("owner").matches(PROD_WEB));
        assertTrue(LabelSelector.parse("!legacy").matches(PROD_WEB));
        assertFalse(LabelSelector.parse("!team").matches(PROD_WEB));
    }

    @Test
    void commaMeansAnd() {
        assertTrue(LabelSelector.parse("env=prod, tier!=db,team,!legacy").matches(PROD_WEB));
        assertFalse(LabelSelector.parse("env=prod,tier=db").matches(PROD_WEB));
        assertEquals("env=prod,tier!=db,team,!legacy", LabelSelector.parse("env==prod, tier!=db,team,!legacy").toString());
    }

    @Test
    void theEmptySelectorMatchesEverything() {
        assertTrue(LabelSelector.parse("").matches(PROD_WEB));
        assertTrue(LabelSelector.parse(null).isEmpty());
    }

    @Test
    void badSyntaxNamesTheSelectorAndTheTerm() {
        for (String bad : new String[] {"a=b=c", "=x", "!a=b", "a b", "env=prod west", "a,,b", "a=b,", "in (x)"}) {
            InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> LabelSelector.parse(bad), bad);
            assertEquals("selector", e.field());
        }
        assertEquals("selector: \"a=b=c\" is not a requirement; use key=value, key==value, key!=value, key or !key,"
                + " joined by commas", assertThrows(InvalidArgumentException.class, () -> LabelSelector.parse("a=b=c")).getMessage());
        assertEquals("selector: \"a,,b\" has an empty term",
                assertThrows(InvalidArgumentException.class, () -> LabelSelector.parse("a,,b")).getMessage());
    }
}
