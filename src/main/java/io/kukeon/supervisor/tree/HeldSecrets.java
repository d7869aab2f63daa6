package io.kukeon.supervisor.tree;

import io.kukeon.model.InvalidArgumentException;
import io.kukeon.model.NotFoundException;
import io.kukeon.model.ObjectPath;
import io.kukeon.model.ResourceExhaustedException;
import io.kukeon.model.SecretData;
import io.kukeon.model.SecretScope;
import io.kukeon.model.StoredSecret;
import io.kukeon.supervisor.ObjectCommand;
import io.kukeon.supervisor.Reply;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Secrets a realm, space, stack or cell holds: what a put or a remove does to them (the
 * records' transitions), and whether it changes anything at all (the actors' decisions), in one
 * place for every level that holds secrets.
 */
public final class HeldSecrets {
    private HeldSecrets() {}

    /** The secrets after {@code name} was put at {@code at}: created, or its value and update time replaced. */
    public static Map<String, StoredSecret> put(Map<String, StoredSecret> held, String name, SecretData data, Instant at) {
        Map<String, StoredSecret> s = new TreeMap<>(held);
        StoredSecret before = s.get(name);
        s.put(name, before == null ? new StoredSecret(data, at, at) : before.updated(data, at));
        return s;
    }

    public static Map<String, StoredSecret> remove(Map<String, StoredSecret> held, String name) {
        Map<String, StoredSecret> s = new TreeMap<>(held);
        s.remove(name);
        return s;
    }

    /**
     * What a put does: the outcome to answer once its event is written, or null when it was answered
     * already (unchanged, or refused) and nothing is to be written.
     */
    public static Reply.Outcome decide(Map<String, StoredSecret> held, ObjectPath scope, ObjectCommand.PutSecret put) {
        StoredSecret stored = held.get(put.name());
        if (put.data() == null) {   // a redacted document applied back keeps the value it stands for
            if (stored == null) {
                put.fail(new InvalidArgumentException("spec.data", "is " + SecretData.REDACTED + " but " + scope.kind().label()
                        + " \"" + scope + "\" holds no secret \"" + put.name() + "\" whose value it could stand for"));
            } else {
                put.reply(Reply.of(null, Reply.Outcome.UNCHANGED));
            }
            return null;
        }
        if (stored != null && stored.data().equals(put.data())) {
            put.reply(Reply.of(null, Reply.Outcome.UNCHANGED));
            return null;
        }
        if (stored == null && held.size() >= SecretScope.MAX_SECRETS) {
            put.fail(new ResourceExhaustedException(scope.kind().label() + " \"" + scope + "\" holds "
                    + held.size() + " secrets; at most " + SecretScope.MAX_SECRETS));
            return null;
        }
        return stored == null ? Reply.Outcome.CREATED : Reply.Outcome.UPDATED;
    }

    /** Whether a remove is to be written; a secret the scope does not hold is refused (answered) here. */
    public static boolean decide(Map<String, StoredSecret> held, ObjectPath scope, ObjectCommand.RemoveSecret remove) {
        if (!held.containsKey(remove.name())) {
            remove.fail(NotFoundException.secret(remove.name(), scope));
            return false;
        }
        return true;
    }

    /** The answer to a remove once written: what is gone, as the API names it. */
    public static Reply removed(ObjectPath scope, String name) {
        return Reply.deleted(java.util.List.of(scope + "/secret/" + name));
    }
}
