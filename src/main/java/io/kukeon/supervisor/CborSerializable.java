package io.kukeon.supervisor;

/** Marker bound to Jackson CBOR in application.conf: every journal event and snapshot implements it. */
public interface CborSerializable {}
