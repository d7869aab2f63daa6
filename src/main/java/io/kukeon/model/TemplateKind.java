package io.kukeon.model;

/** The two kinds of cell templates a realm, space or stack holds: a blueprint, and a config that fills one in. */
public enum TemplateKind {
    BLUEPRINT("CellBlueprint", "cellblueprint", "blueprint"),
    CONFIG("CellConfig", "cellconfig", "config");

    private final String kindName;
    private final String label;
    private final String bindingKind;

    TemplateKind(String kindName, String label, String bindingKind) {
        this.kindName = kindName;
        this.label = label;
        this.bindingKind = bindingKind;
    }

    /** As a manifest's {@code kind:} says it. */
    public String kindName() {
        return kindName;
    }

    /** As messages and paths say it: {@code cellblueprint "web"}. */
    public String label() {
        return label;
    }

    /** As a cell's {@code spec.provenance.bindingKind} says it. */
    public String bindingKind() {
        return bindingKind;
    }

    public static TemplateKind parse(String field, String text) {
        for (TemplateKind k : values()) {
            if (k.kindName.equalsIgnoreCase(text) || k.label.equals(text) || k.bindingKind.equals(text)) {
                return k;
            }
        }
        throw new InvalidArgumentException(field, "\"" + Names.printable(String.valueOf(text))
                + "\" is not a template kind; CellBlueprint or CellConfig");
    }
}
