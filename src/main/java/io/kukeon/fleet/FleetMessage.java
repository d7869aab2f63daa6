package io.kukeon.fleet;

/** What one member sends another, or replicates to all: serialized with Jackson (CBOR), by name. */
public interface FleetMessage {}
