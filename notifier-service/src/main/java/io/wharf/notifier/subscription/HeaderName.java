package io.wharf.notifier.subscription;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import io.wharf.outbound.OutboundRules;

/**
 * The annotated string is a request header a webhook subscription may set: an HTTP token of at
 * most 100 characters, and none of the headers the delivery itself writes ({@code Host},
 * {@code Content-Type}, {@code Content-Length}, {@code Transfer-Encoding}, {@code Connection},
 * {@code webhook-*} signatures, {@code ce-*} CloudEvents attributes). The rule is
 * {@link OutboundRules#isHeaderName}, which the deployer's hooks follow too.
 */
@Documented
@Retention(RUNTIME)
@Target({ FIELD, METHOD, PARAMETER, TYPE_USE })
@Constraint(validatedBy = HeaderName.Validator.class)
public @interface HeaderName {

    String message() default OutboundRules.HEADER_NAME_RULE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks {@link HeaderName}. */
    class Validator implements ConstraintValidator<HeaderName, String> {
        @Override
        public boolean isValid(String name, ConstraintValidatorContext context) {
            return OutboundRules.isHeaderName(name);
        }
    }
}
