package dev.vending.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.vending.failure.BadInput;
import dev.vending.fleet.Schedule;

class WeeklyHoursTest {
    static double hours(String start, String stop) {
        return WeeklyHours.of(new Schedule(start, stop, "UTC", 1));
    }

    @Test
    void businessHoursAreFiftyHours() {
        assertEquals(50, hours("0 8 * * 1-5", "0 18 * * 1-5"), 1e-9);
        assertEquals(50, hours("0 8 * * MON-FRI", "0 18 * * mon-fri"), 1e-9);
        assertEquals(50, hours("0 8 * * 1,2,3,4,5", "0 18 * * 1-5"), 1e-9);
    }

    @Test
    void everyDayAndMinutes() {
        assertEquals(70, hours("0 8 * * *", "0 18 * * *"), 1e-9);
        assertEquals(7 * 9.5, hours("30 8 * * *", "0 18 * * *"), 1e-9);
    }

    @Test
    void overnightAndWeekendWrapAround() {
        // 20:00 to 06:00 every night: 10 h a day
        assertEquals(70, hours("0 20 * * *", "0 6 * * *"), 1e-9);
        // started Monday 08:00, stopped Friday 18:00: 4 days and 10 hours
        assertEquals(4 * 24 + 10, hours("0 8 * * 1", "0 18 * * 5"), 1e-9);
        // Saturday to Sunday night, 7 as Sunday
        assertEquals(24 + 14, hours("0 8 * * 6", "0 22 * * 7"), 1e-9);
    }

    @Test
    void startsWithoutAStopBetweenThemCountOnce() {
        // a start every weekday, one stop on Friday evening: up Monday 08:00 to Friday 18:00
        assertEquals(4 * 24 + 10, hours("0 8 * * 1-5", "0 18 * * 5"), 1e-9);
    }

    @Test
    void listsRangesAndStepsCountFromTheFirstStart() {
        // starts at 8:00 and 9:00 on weekdays: up from 8:00
        assertEquals(50, hours("0 8-9 * * 1-5", "0 18 * * 1-5"), 1e-9);
        assertEquals(70, hours("*/15 8 * * *", "0 18 * * *"), 1e-9);
        // Monday, Wednesday and Friday
        assertEquals(30, hours("0 8 * * 1-5/2", "0 18 * * 1-5"), 1e-9);
        // stops every 30 minutes from 18:00 to 18:30: down from 18:00
        assertEquals(50, hours("0 8 * * 1-5", "0,30 18 * * 1-5"), 1e-9);
    }

    @Test
    void refusesWhatItCannotCount() {
        for (String[] s : new String[][] {{"0 8 1 * *", "0 18 1 * *"}, {"0 8 * * 1-5", "0 18 * JAN *"},
                {"0 8 * * 1", "0 8 * * 1-5"}}) {
            BadInput e = assertThrows(BadInput.class, () -> hours(s[0], s[1]), String.join(" / ", s));
            assertTrue(e.line().contains("--hours-per-week"), e.line());
        }
    }
}
