package io.wharf.deployer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.wharf.deployer.rule.DeployWindow;
import io.wharf.deployer.rule.DeployerException;

/** When a deployment outside its window is applied. 2026-11-30 is a Monday. */
class DeployWindowTest {

    @ParameterizedTest(name = "{0}-{1} {2}: at {3} applies at {4}")
    @CsvSource(delimiter = '|', value = {
            "09:00 | 17:00 | MON,TUE | 2026-11-30T10:00:00Z | 2026-11-30T10:00:00Z",
            "09:00 | 17:00 | MON,TUE | 2026-11-30T08:59:00Z | 2026-11-30T09:00:00Z",
            "09:00 | 17:00 | MON,TUE | 2026-11-30T17:00:00Z | 2026-12-01T09:00:00Z",
            "09:00 | 17:00 | MON,TUE | 2026-12-01T18:00:00Z | 2026-12-07T09:00:00Z",
            "22:00 | 02:00 | FRI     | 2026-12-05T01:30:00Z | 2026-12-05T01:30:00Z",
            "22:00 | 02:00 | FRI     | 2026-12-05T02:30:00Z | 2026-12-11T22:00:00Z",
    })
    void appliesWhenTheWindowIsOpenOrNextOpens(String start, String end, String days, String at, String expected) {
        DeployWindow window = DeployWindow.of(List.of(days.split(",")), start, end);
        assertEquals(Instant.parse(expected), window.nextOpen(Instant.parse(at)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"MON | 9am | 17:00", "XYZ | 09:00 | 17:00", "MON | 09:00 | 09:00"})
    void refusesWindowsItCannotRead(String day, String start, String end) {
        assertThrows(DeployerException.class, () -> DeployWindow.of(List.of(day), start, end));
    }
}
