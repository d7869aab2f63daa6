package io.kukeon.supervisor.journal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.kukeon.model.RegistryCredential;
import io.kukeon.model.SecretData;
import io.kukeon.secrets.SealedValue;
import io.kukeon.secrets.Sealer;

import java.io.IOException;
import java.util.function.Supplier;

/**
 * How the journal holds a {@link RegistryCredential}: its password sealed ({@code sealedPassword}),
 * never in clear. A credential written before (scope events and records of version 1) has a
 * cleartext {@code password}, which is still read. A Secret's {@link SecretData} is only ever
 * written sealed ({@code sealed}).
 */
final class SealedCredentials extends SimpleModule {
    static final String SEALED = "sealedPassword";
    static final String CLEAR = "password";
    static final String SEALED_DATA = "sealed";

    /** @param sealer the key, fetched the first time a password is sealed or opened */
    SealedCredentials(Supplier<Sealer> sealer) {
        super("kukeon-sealed-credentials");
        addSerializer(RegistryCredential.class, new JsonSerializer<>() {
            @Override
            public void serialize(RegistryCredential c, JsonGenerator out, SerializerProvider provider) throws IOException {
                out.writeStartObject();
                out.writeStringField("username", c.username());
                out.writeFieldName(SEALED);
                provider.defaultSerializeValue(sealer.get().seal(c.password()), out);
                out.writeStringField("serverAddress", c.serverAddress());
                out.writeEndObject();
            }
        });
        addDeserializer(RegistryCredential.class, new JsonDeserializer<>() {
            @Override
            public RegistryCredential deserialize(JsonParser in, DeserializationContext context) throws IOException {
                JsonNode node = in.readValueAsTree();
                JsonNode sealed = node.get(SEALED);
                String password = sealed != null && !sealed.isNull()
                        ? sealer.get().open(in.getCodec().treeToValue(sealed, SealedValue.class))
                        : text(node, CLEAR);
                return new RegistryCredential(text(node, "username"), password, text(node, "serverAddress"));
            }
        });
        addSerializer(SecretData.class, new JsonSerializer<>() {
            @Override
            public void serialize(SecretData data, JsonGenerator out, SerializerProvider provider) throws IOException {
                out.writeStartObject();
                out.writeFieldName(SEALED_DATA);
                provider.defaultSerializeValue(sealer.get().seal(data.value()), out);
                out.writeEndObject();
            }
        });
        addDeserializer(SecretData.class, new JsonDeserializer<>() {
            @Override
            public SecretData deserialize(JsonParser in, DeserializationContext context) throws IOException {
                JsonNode sealed = in.<JsonNode>readValueAsTree().get(SEALED_DATA);
                return new SecretData(sealer.get().open(in.getCodec().treeToValue(sealed, SealedValue.class)));
            }
        });
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
