package io.wharf.registry.retention;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.Instant;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import io.wharf.registry.identity.RequestRefused;

/**
 * Retention schedules: cron expressions in UTC, either Unix style with five fields ({@code 0 3 * * *})
 * or Quartz style with seconds first, as Quarkus' scheduler writes them ({@code 0 0 3 * * ?}).
 */
final class Schedules {

    private static final CronParser UNIX = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
    private static final CronParser QUARTZ = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ));
    private static final int MAX_LENGTH = 200;

    private Schedules() {
    }

    /** The parsed expression; RequestRefused (400) saying what is wrong otherwise. */
    static Cron parse(String expression) {
        if (expression.length() > MAX_LENGTH) {
            throw RequestRefused.invalid("schedule must be at most " + MAX_LENGTH + " characters");
        }
        try {
            Cron cron = (expression.trim().split("\\s+").length == 5 ? UNIX : QUARTZ).parse(expression);
            cron.validate();
            return cron;
        } catch (IllegalArgumentException e) {
            throw RequestRefused.invalid("schedule is not a cron expression (e.g. \"0 3 * * *\" or \"0 0 3 * * ?\"): " + e.getMessage());
        }
    }

    /** The first time after {@code after} the schedule names, or null when it names none. */
    static Instant next(String expression, Instant after) {
        return ExecutionTime.forCron(parse(expression)).nextExecution(ZonedDateTime.ofInstant(after, ZoneOffset.UTC))
                .map(ZonedDateTime::toInstant).orElse(null);
    }
}
