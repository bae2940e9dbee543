package io.wharf.infra;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link RestartableKafkaBroker} field of a Quarkus test: {@link WharfInfraTestResource}
 * sets it to the broker the application talks to, so the test can stop and start it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface InjectKafkaBroker {
}
