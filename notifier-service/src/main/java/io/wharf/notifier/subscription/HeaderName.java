package io.wharf.notifier.subscription;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.Locale;
import java.util.Set;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * The annotated string is a request header a webhook subscription may set: an HTTP token of at
 * most 100 characters, and none of the headers the delivery itself writes ({@code Host},
 * {@code Content-Type}, {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection},
 * {@code webhook-*} signatures, {@code ce-*} CloudEvents attributes).
 */
@Documented
@Retention(RUNTIME)
@Target({ FIELD, METHOD, PARAMETER, TYPE_USE })
@Constraint(validatedBy = HeaderName.Validator.class)
public @interface HeaderName {

    String message() default "cannot be set: a header name is letters, digits and !#$%&'*+.^_`|~- (at most 100),"
            + " and not Host, Content-Type, Content-Length, Transfer-Encoding, Connection, webhook-* or ce-*";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks {@link HeaderName}. */
    class Validator implements ConstraintValidator<HeaderName, String> {
        private static final String TOKEN_SYMBOLS = "!#$%&'*+.^_`|~-";
        private static final Set<String> RESERVED = Set.of("host", "content-type", "content-length", "transfer-encoding", "connection");

        @Override
        public boolean isValid(String name, ConstraintValidatorContext context) {
            if (name == null || name.isEmpty() || name.length() > 100 || !name.chars().allMatch(Validator::tokenChar)) {
                return false;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            return !RESERVED.contains(lower) && !lower.startsWith("webhook-") && !lower.startsWith("ce-");
        }

        private static boolean tokenChar(int c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || TOKEN_SYMBOLS.indexOf(c) >= 0;
        }
    }
}
