/**
 * The API's wire side that kukeond and kuke share: model records ⇄ the protobuf messages of
 * {@code proto/kukeon/v1} (generated into {@code io.kukeon.wire.v1} and {@code io.kukeon.wire.health}).
 * Uses model, its generated code and protobuf only; never the server's packages.
 */
package io.kukeon.wire;
