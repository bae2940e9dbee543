package io.wharf.deployer.rule;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When automatic deployments may be applied: days of the week and a time range, in UTC. {@code start}
 * is inclusive, {@code end} exclusive; an end before the start spans midnight (the night belongs to the
 * day it starts on). Outside the window a deployment waits and is applied when the window next opens.
 */
public record DeployWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end) {

    public static DeployWindow of(List<String> days, String start, String end) {
        if (days == null || days.isEmpty() || start == null || end == null) {
            throw DeployerException.invalid("a deploy window needs days, start and end (HH:MM, UTC)");
        }
        Set<DayOfWeek> parsed = EnumSet.noneOf(DayOfWeek.class);
        for (String day : days) {
            parsed.add(day(day));
        }
        try {
            LocalTime from = LocalTime.parse(start);
            LocalTime to = LocalTime.parse(end);
            if (from.equals(to)) {
                throw DeployerException.invalid("a deploy window's start and end must differ");
            }
            return new DeployWindow(parsed, from, to);
        } catch (DateTimeParseException e) {
            throw DeployerException.invalid("deploy window times are HH:MM (UTC): " + start + ", " + end);
        }
    }

    private static DayOfWeek day(String name) {
        String upper = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (upper.length() >= 3 && day.name().startsWith(upper)) {
                return day;
            }
        }
        throw DeployerException.invalid("not a day of the week: " + name);
    }

    /** Days as stored: {@code MON,TUE,…}. */
    public String daysText() {
        return days.stream().sorted().map(d -> d.name().substring(0, 3)).collect(Collectors.joining(","));
    }

    public List<String> dayNames() {
        return days.stream().sorted().map(d -> d.name().substring(0, 3)).toList();
    }

    public boolean isOpen(Instant when) {
        ZonedDateTime at = when.atZone(ZoneOffset.UTC);
        LocalTime time = at.toLocalTime();
        if (start.isBefore(end)) {
            return days.contains(at.getDayOfWeek()) && !time.isBefore(start) && time.isBefore(end);
        }
        return days.contains(at.getDayOfWeek()) && !time.isBefore(start)
                || days.contains(at.getDayOfWeek().minus(1)) && time.isBefore(end);
    }

    /** {@code when} if the window is open then, else the moment it next opens. */
    public Instant nextOpen(Instant when) {
        if (isOpen(when)) {
            return when;
        }
        ZonedDateTime day = when.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        for (int i = 0; i <= 7; i++) {
            ZonedDateTime opening = day.plusDays(i).with(start);
            if (days.contains(opening.getDayOfWeek()) && opening.toInstant().isAfter(when)) {
                return opening.toInstant();
            }
        }
        throw new IllegalStateException("a window with days always opens within a week");
    }
}
