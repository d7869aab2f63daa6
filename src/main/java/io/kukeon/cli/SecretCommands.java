package io.kukeon.cli;

import io.kukeon.manifest.ManifestWriter;
import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.SecretData;
import io.kukeon.model.SecretScope;
import io.kukeon.model.Utf8;
import io.kukeon.wire.v1.DeleteSecretRequest;
import io.kukeon.wire.v1.ListSecretsRequest;
import io.kukeon.wire.v1.PutSecretRequest;
import io.kukeon.wire.v1.PutSecretResponse;
import io.kukeon.wire.v1.SecretInfo;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** {@code create secret}, {@code get secrets} and {@code delete secret}: values go to kukeond and never come back. */
final class SecretCommands {
    private SecretCommands() {}

    /** The scope flags of a secret: a template's, and {@code --cell}. */
    static final class SecretScopeFlags extends TemplateCommands.TemplateScopeFlags {
        @Option(names = "--cell", description = "Cell: the secret is the cell's (needs --stack); a list: narrowed to it.")
        String cell;

        @Override
        ObjectPath scope() {
            return SecretScope.of("--", realm, space, stack, cell);
        }

        @Override
        ScopeFilter filter() {
            return ScopeFilter.given(mixee, realm, space, stack, cell);
        }
    }

    /** {@code secret "db": created in stack "web"}: the scope named by its deepest level. */
    static String where(ObjectPath scope) {
        return scope.kind().label() + " \"" + scope + "\"";
    }

    @Command(name = "secret", aliases = "sec", mixinStandardHelpOptions = true,
            description = {"Create a secret, or give it a new value (containers see it at their next start).",
                    "The value is sealed at rest and never printed."},
            footer = {"%nExamples:",
                    "  # secret db of realm default",
                    "  kuke create secret db --from-literal s3cret",
                    "  # a file as secret tls of stack demo/shop/web",
                    "  kuke create secret tls --from-file tls.pem --realm demo --space shop --stack web"})
    static final class Create extends DaemonCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--from-literal", paramLabel = "VALUE", description = "The value itself.")
            String literal;

            @Option(names = "--from-file", paramLabel = "FILE", description = "A file whose text is the value (at most 1 MiB of UTF-8).")
            Path file;
        }

        @Mixin
        SecretScopeFlags flags;

        @Override
        int run(DaemonConnection daemon) throws IOException {
            ObjectPath scope = flags.scope();
            SecretScope.requireName("NAME", name);
            String value = source.literal != null ? SecretData.of("--from-literal", source.literal).value() : read(source.file);
            PutSecretResponse r = daemon.calls().putSecret(PutSecretRequest.newBuilder().setScope(scope.toString())
                    .setName(name).setData(value).build());
            out().println("secret \"" + name + "\": " + r.getOutcome() + " in " + where(scope));
            return 0;
        }

        /** The file's text: read up to one byte past the limit, whatever the file is; binary is refused. */
        private static String read(Path file) throws IOException {
            if (Files.isDirectory(file)) {
                throw new InvalidArgumentException("--from-file", file + " is a directory");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(SecretData.MAX_BYTES + 1);
            }
            if (bytes.length > SecretData.MAX_BYTES) {
                throw new InvalidArgumentException("--from-file", file + " is over " + SecretData.MAX_BYTES
                        + " bytes; a secret is at most that");
            }
            return Utf8.decode(bytes).orElseThrow(() -> new InvalidArgumentException("--from-file", file
                    + " is not UTF-8 text; binary secrets are not supported"));
        }
    }

    @Command(name = "secret", aliases = {"secrets", "sec"}, mixinStandardHelpOptions = true,
            description = {"List secrets (names and sizes, never values), or show one.",
                    "A list covers every scope; each scope flag given narrows it."},
            footer = {"%nExamples:",
                    "  # the secrets of every scope",
                    "  kuke get secrets",
                    "  # those of realm prod's stacks named web and their cells",
                    "  kuke get secrets --realm prod --stack web",
                    "  # realm default's secret db, as a manifest (data redacted)",
                    "  kuke get secret db -o yaml"})
    static final class Get extends DaemonCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "One secret of the scope; all when left out.")
        String name;

        @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT", converter = Output.Parse.class,
                description = Output.HELP + " Data is always <redacted>.")
        Output output;

        @Mixin
        SecretScopeFlags flags;

        @Override
        int run(DaemonConnection daemon) {
            HeldList listed = HeldList.of(name, flags.filter(), flags::scope);
            ListSecretsRequest.Builder request = ListSecretsRequest.newBuilder().setScope(listed.requestScope());
            if (name != null) {
                request.setName(SecretScope.requireName("NAME", name));
            }
            List<SecretInfo> found = listed.narrow(daemon.calls().listSecrets(request.build()).getSecretsList(),
                    SecretInfo::getScope);
            out().print(render(found, listed));
            return 0;
        }

        private String render(List<SecretInfo> found, HeldList listed) {
            List<Map<String, Object>> docs = found.stream()
                    .map(s -> ManifestWriter.secretDocument(ObjectPath.parse(s.getScope()), s.getName())).toList();
            return ObjectOutput.renderHeld(docs, output, name != null, () -> {
                if (found.isEmpty()) {
                    return listed.noneFound("secrets");
                }
                Instant now = Instant.now();
                Table t = new Table(List.of("NAME", "SCOPE", "SIZE", "AGE"));
                found.forEach(s -> t.add(List.of(s.getName(), s.getScope(), s.getSizeBytes() + "B",
                        Age.since(s.getCreatedAt(), now))));
                return t.render();
            });
        }
    }

    @Command(name = "secret", aliases = {"secrets", "sec"}, mixinStandardHelpOptions = true, description = "Delete a secret.",
            footer = {"%nExamples:",
                    "  # secret db of realm default",
                    "  kuke delete secret db",
                    "  # secret tls of stack demo/shop/web",
                    "  kuke delete secret tls --realm demo --space shop --stack web"})
    static final class Delete extends DaemonCommand {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Mixin
        SecretScopeFlags flags;

        @Override
        int run(DaemonConnection daemon) {
            ObjectPath scope = flags.scope();
            daemon.work().deleteSecret(DeleteSecretRequest.newBuilder().setScope(scope.toString())
                    .setName(SecretScope.requireName("NAME", name)).build());
            out().println("Deleted secret \"" + name + "\" from " + where(scope));
            return 0;
        }
    }
}
