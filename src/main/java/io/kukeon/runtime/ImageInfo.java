package io.kukeon.runtime;

/** An image in a namespace: its normalized name, manifest digest and size of its content. */
public record ImageInfo(String name, String digest, long size) {}
