package io.wharf.notifier.subscription;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import io.wharf.notifier.config.NotifierConfig;
import io.wharf.outbound.SecretBox;

/**
 * Keeps webhook signing secrets sealed at rest: a secret is written as a {@link SecretBox} value
 * ({@code sealed:v1:…}) under {@code wharf.notifier.secrets-key} and read back clear, so the entity
 * holds the clear secret only in memory. A stored value that is not sealed, or does not open under
 * the key, fails the read rather than being used as it is (migration V5 sealed every older value).
 */
@ApplicationScoped
@Converter
public class SealedSecretConverter implements AttributeConverter<String, String> {

    /** The setting the key comes from, named in errors about it. */
    public static final String KEY_SETTING = "wharf.notifier.secrets-key";

    private final SecretBox box;

    public SealedSecretConverter(NotifierConfig config) {
        this.box = new SecretBox(config.secretsKey(), KEY_SETTING);
    }

    @Override
    public String convertToDatabaseColumn(String secret) {
        return secret == null ? null : box.seal(secret);
    }

    @Override
    public String convertToEntityAttribute(String stored) {
        return stored == null ? null : box.open(stored);
    }
}
