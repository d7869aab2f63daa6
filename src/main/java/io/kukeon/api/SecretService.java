package io.kukeon.api;

import io.kukeon.manifest.SecretDocument;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.SecretData;
import io.kukeon.model.SecretScope;
import io.kukeon.model.StoredSecret;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.ObjectIndex;
import io.kukeon.supervisor.SecretIndex;
import io.kukeon.supervisor.SupervisorTree;
import io.kukeon.wire.v1.DeleteSecretRequest;
import io.kukeon.wire.v1.DeleteSecretResponse;
import io.kukeon.wire.v1.ListSecretsRequest;
import io.kukeon.wire.v1.ListSecretsResponse;
import io.kukeon.wire.v1.PutSecretRequest;
import io.kukeon.wire.v1.PutSecretResponse;
import io.kukeon.wire.v1.SecretInfo;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

/**
 * Secrets through the API: a put or a delete goes to the actor of the holding scope, a list is read
 * from the {@link SecretIndex}. Values come in and never go out.
 */
final class SecretService {
    private final SupervisorTree tree;
    private final ObjectIndex objects;
    private final SecretIndex secrets;

    SecretService(SupervisorTree tree, ObjectIndex objects, SecretIndex secrets) {
        this.tree = tree;
        this.objects = objects;
        this.secrets = secrets;
    }

    CompletionStage<PutSecretResponse> put(PutSecretRequest in) {
        ObjectPath scope = SecretScope.parse("scope", in.getScope());
        String name = SecretScope.requireName("name", in.getName());
        SecretData data = in.getData().equals(SecretData.REDACTED) ? null : SecretData.of("data", in.getData());
        return put(new SecretDocument(scope, name, data))
                .thenApply(outcome -> PutSecretResponse.newBuilder().setOutcome(outcome)
                        .setSecret(info(scope, name, secrets.get(scope, name).orElse(null))).build());
    }

    /** Puts the secret; the outcome as apply says it: created, updated or unchanged. */
    CompletionStage<String> put(SecretDocument secret) {
        return tree.ask(secret.scope(), replyTo -> new ObjectCommand.PutSecret(secret.name(), secret.data(), replyTo))
                .thenApply(reply -> reply.outcome().name().toLowerCase(Locale.ROOT));
    }

    /** Whether applying the document would change anything (a dry run): from the index, no actor asked. */
    String wouldPut(SecretDocument secret) {
        StoredSecret stored = secrets.get(secret.scope(), secret.name()).orElse(null);
        if (stored == null) {
            return "created";
        }
        return secret.data() == null || secret.data().equals(stored.data()) ? "unchanged" : "updated";
    }

    CompletionStage<ListSecretsResponse> list(ListSecretsRequest in) {
        ObjectPath scope = in.getScope().isEmpty() ? null : SecretScope.parse("scope", in.getScope());
        String name = in.getName().isEmpty() ? null : SecretScope.requireName("name", in.getName());
        return KukeonService.requireExists(scope, objects, tree).thenApply(v -> {
            List<SecretIndex.Entry> found = HeldListing.matching(secrets.list(scope), SecretIndex.Entry::scope,
                    SecretIndex.Entry::name, scope, name, "secrets", () -> NotFoundException.secret(name, scope));
            ListSecretsResponse.Builder out = ListSecretsResponse.newBuilder();
            found.forEach(e -> out.addSecrets(info(e.scope(), e.name(), e.secret())));
            return out.build();
        });
    }

    CompletionStage<DeleteSecretResponse> delete(DeleteSecretRequest in) {
        ObjectPath scope = SecretScope.parse("scope", in.getScope());
        String name = SecretScope.requireName("name", in.getName());
        return tree.ask(scope, replyTo -> new ObjectCommand.RemoveSecret(name, replyTo))
                .thenApply(reply -> DeleteSecretResponse.newBuilder().addAllDeleted(reply.deleted()).build());
    }

    private static SecretInfo info(ObjectPath scope, String name, StoredSecret stored) {
        SecretInfo.Builder info = SecretInfo.newBuilder().setScope(scope.toString()).setName(name);
        if (stored != null) {
            info.setSizeBytes(stored.size()).setCreatedAt(stored.createdAt().toString())
                    .setUpdatedAt(stored.updatedAt().toString());
        }
        return info.build();
    }
}
