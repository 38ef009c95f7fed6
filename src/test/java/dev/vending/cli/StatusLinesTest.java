package dev.vending.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import dev.vending.deploy.StatusReport.MetricReading;

/** How status words an elastic fleet's metric: a value with its period and the target, or plainly why there is none. */
class StatusLinesTest {
    @Test
    void valueNoDatapointAndNotRead() {
        assertEquals("metric JobSlotUtilization: 25.0 for the minute from 2026-12-02T10:13:00Z; last 5 minutes 30.0 (mean of 3 values);"
                + " target 75.0 (Average per minute)", DeployConsole.metricLine(new MetricReading("Vending/Runners", "JobSlotUtilization",
                        "Average", 60, 25.0, "2026-12-02T10:13:00Z", 30.0, 3, 5, 10, null), 75.0));
        assertEquals("metric CPUUtilization: 12.3 for the 5 minutes from 2026-12-02T10:10:00Z; target 60.0 (Average per 5 minutes)",
                DeployConsole.metricLine(new MetricReading("AWS/EC2", "CPUUtilization", "Average", 300, 12.34, "2026-12-02T10:10:00Z", 12.34, 1, 5,
                        20, null), 60.0), "one value: no mean beside it");
        assertEquals("metric JobSlotUtilization: no datapoint in the last 10 minutes (Average per minute): no instance has reported it yet,"
                + " or the group has no running instance", DeployConsole.metricLine(new MetricReading("Vending/Runners", "JobSlotUtilization",
                        "Average", 60, null, null, null, 0, 5, 10, null), 75.0));
        assertEquals("metric: not read: AccessDeniedException: no (the credentials in use lack this permission)",
                DeployConsole.metricLine(new MetricReading("Vending/Runners", "JobSlotUtilization", "Average", 60, null, null, null, 0, null, 10,
                        "not read: AccessDeniedException: no (the credentials in use lack this permission)"), 75.0));
    }
}
