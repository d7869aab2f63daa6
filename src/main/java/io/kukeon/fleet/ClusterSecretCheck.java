package io.kukeon.fleet;

import com.typesafe.config.Config;
import org.apache.pekko.cluster.ConfigValidation;
import org.apache.pekko.cluster.Invalid;
import org.apache.pekko.cluster.JoinConfigCompatChecker;
import org.apache.pekko.cluster.Valid$;
import scala.jdk.javaapi.CollectionConverters;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * Admits a node to the cluster only when it holds the same secret as the member it asks: Pekko's
 * join-time configuration check, which runs on the member for every node that asks to join, and
 * makes a refused node shut down. What crosses the network is a digest of the secret, never the
 * secret; on a network others can read, the cluster's transport needs TLS as well ({@link ClusterTls}).
 */
public final class ClusterSecretCheck extends JoinConfigCompatChecker {

    @Override
    public scala.collection.immutable.Seq<String> requiredKeys() {
        return CollectionConverters.asScala(List.of(ClusterSettings.DIGEST_SETTING)).toList();
    }

    @Override
    public ConfigValidation check(Config toCheck, Config actualConfig) {
        String theirs = toCheck.hasPath(ClusterSettings.DIGEST_SETTING) ? toCheck.getString(ClusterSettings.DIGEST_SETTING) : "";
        String ours = actualConfig.getString(ClusterSettings.DIGEST_SETTING);
        if (MessageDigest.isEqual(theirs.getBytes(StandardCharsets.UTF_8), ours.getBytes(StandardCharsets.UTF_8))) {
            return Valid$.MODULE$;
        }
        return Invalid.apply(CollectionConverters.asScala(
                List.of("cluster.secret-file: the joining node's cluster secret is not this cluster's")).toList());
    }
}
