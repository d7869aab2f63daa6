package io.kukeon.runtime.oci;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ChainIdsTest {
    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);

    @Test
    void theFirstChainIdIsTheBottomDiffIdAndEachNextHashesThePairWithASpace() {
        assertEquals(List.of(), ChainIds.of(List.of()));
        assertEquals(List.of(A), ChainIds.of(List.of(A)));
        // printf '%s %s' "$A" "$B" | sha256sum
        assertEquals(List.of(A, "sha256:ccd722928bd92476ba1745586fed6e45a102504185ad88cd89e01ff116fd146c"),
                ChainIds.of(List.of(A, B)));
    }

    @Test
    void sha256IsTheDigestOfTheUtf8Text() {
        assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ChainIds.sha256(""));
        assertEquals("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ChainIds.sha256("abc"));
    }
}
