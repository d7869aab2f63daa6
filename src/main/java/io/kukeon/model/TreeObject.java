package io.kukeon.model;

/**
 * One object of the tree as the API shows it: where it is, its metadata, what was asked for
 * (spec) and what is observed (status).
 */
public sealed interface TreeObject permits TreeObject.Realm, TreeObject.Space, TreeObject.Stack, TreeObject.Cell,
        TreeObject.Container {

    ObjectPath path();

    Metadata metadata();

    default Kind kind() {
        return path().kind();
    }

    /** The display state as a string (the enums differ by level). */
    String state();

    record Realm(ObjectPath path, Metadata metadata, RealmSpec spec, LevelStatus status) implements TreeObject {
        public String state() {
            return status.state().name();
        }
    }

    record Space(ObjectPath path, Metadata metadata, SpaceSpec spec, LevelStatus status) implements TreeObject {
        public String state() {
            return status.state().name();
        }
    }

    record Stack(ObjectPath path, Metadata metadata, StackSpec spec, LevelStatus status) implements TreeObject {
        public String state() {
            return status.state().name();
        }
    }

    record Cell(ObjectPath path, Metadata metadata, CellSpec spec, CellStatus status) implements TreeObject {
        public String state() {
            return status.state().name();
        }
    }

    record Container(ObjectPath path, Metadata metadata, ContainerSpec spec, ContainerStatus status) implements TreeObject {
        public String state() {
            return status.state().name();
        }
    }
}
