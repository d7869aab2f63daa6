package io.kukeon.testing;

/**
 * Marks the tests' own journal probes (events of throwaway actors, not the tree's): bound to
 * Pekko's jackson-cbor in the tests' {@code reference.conf}.
 */
public interface JacksonCbor {}
