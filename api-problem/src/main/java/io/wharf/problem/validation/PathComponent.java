package io.wharf.problem.validation;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * The annotated string, when present, is one repository path component ({@link Names#isPathComponent}),
 * as a robot's name is; its length is left to {@code @Size} and null to {@code @NotNull}.
 */
@Documented
@Retention(RUNTIME)
@Target({ FIELD, METHOD, PARAMETER })
@Constraint(validatedBy = PathComponent.Validator.class)
public @interface PathComponent {

    String message() default "must be lowercase letters, digits and separators (. _ -), starting and ending with a letter or digit";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks {@link PathComponent}. */
    class Validator implements ConstraintValidator<PathComponent, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || Names.isPathComponent(value);
        }
    }
}
