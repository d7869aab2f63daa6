package io.kukeon.cli;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.Names;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.Utf8;
import io.kukeon.wire.v1.PutRegistryCredentialRequest;
import io.kukeon.wire.v1.PutRegistryCredentialResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;

/**
 * {@code create registry-credential REALM}: the realm's login for one registry host (or its
 * default one), created or replaced. The password is read from stdin only, so that it is in no
 * process list, shell history or environment.
 */
@Command(name = "registry-credential", aliases = "regcred", mixinStandardHelpOptions = true,
        description = {"Create or replace a realm's registry credential (one per server; no --server: the default one).",
                "The password is read from stdin; the realm's other credentials are kept as they are."},
        footer = {"%nExamples:",
                "  # the login for registry.example.com:5000 in realm demo",
                "  kuke create registry-credential demo --username ci --password-stdin --server registry.example.com:5000 < password.txt",
                "  # realm default's default login, for registries without their own",
                "  echo \"$PASSWORD\" | kuke create regcred default --username me --password-stdin"})
final class RegistryCredentialCommand extends DaemonCommand {
    /** The longest password kukeond keeps, and one byte more to tell that it is over. */
    private static final int MAX_PASSWORD_BYTES = 4096;

    @Parameters(index = "0", paramLabel = "REALM")
    String realm;

    @Option(names = {"-u", "--username"}, required = true, paramLabel = "USER", description = "The registry user.")
    String username;

    @Option(names = "--password-stdin", required = true, description = "Read the password from stdin (required: never an argument).")
    boolean passwordStdin;

    @Option(names = {"-s", "--server"}, defaultValue = "", paramLabel = "HOST[:PORT]",
            description = "The registry host it is for; left out: the realm's default credential.")
    String server;

    @Override
    int run(DaemonConnection daemon) throws IOException {
        Names.require("REALM", realm);
        RegistryCredential credential = new RegistryCredential(username, readPassword(), server);
        credential.validate("credential");
        PutRegistryCredentialResponse r = daemon.calls().putRegistryCredential(PutRegistryCredentialRequest.newBuilder()
                .setRealm(realm).setCredential(io.kukeon.wire.v1.RegistryCredential.newBuilder().setUsername(username)
                        .setPassword(credential.password()).setServerAddress(credential.serverAddress())).build());
        out().println("registry credential " + (credential.serverAddress().isEmpty() ? "(default)"
                : "\"" + credential.serverAddress() + "\"") + ": " + r.getOutcome() + " in realm \"" + realm + "\"");
        return 0;
    }

    /** stdin's text without its line end (as {@code docker login --password-stdin}); empty is refused. */
    private String readPassword() throws IOException {
        byte[] bytes = kuke().stdin().readNBytes(MAX_PASSWORD_BYTES + 1);
        if (bytes.length > MAX_PASSWORD_BYTES) {
            throw new InvalidArgumentException("--password-stdin", "the password is over " + MAX_PASSWORD_BYTES + " bytes");
        }
        String password = Utf8.decode(bytes).orElseThrow(() -> new InvalidArgumentException("--password-stdin",
                "the password is not UTF-8 text"));
        password = password.endsWith("\r\n") ? password.substring(0, password.length() - 2)
                : password.endsWith("\n") ? password.substring(0, password.length() - 1) : password;
        if (password.isEmpty()) {
            throw new InvalidArgumentException("--password-stdin", "stdin held no password; pipe it in, e.g. "
                    + "printf %s \"$PASSWORD\" | kuke create registry-credential REALM --username U --password-stdin");
        }
        return password;
    }
}
