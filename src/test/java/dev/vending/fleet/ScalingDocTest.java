package dev.vending.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * docs/scaling.md's chart of a day is drawn by {@link ScalingDay} from the policy model; this test fails when
 * they differ ({@code -Dvending.writeScalingDoc=true} rewrites the block), and checks the model's basic promises.
 */
class ScalingDocTest {
    static final String BEGIN = "<!-- chart: ScalingDay (regenerate: ./mvnw test -Dtest=ScalingDocTest -Dvending.writeScalingDoc=true) -->\n```\n";
    static final String END = "```\n<!-- end chart -->";

    @Test
    void docsChartIsTheModelsChart() throws Exception {
        Path file = Path.of(System.getProperty("vending.project.dir", "."), "docs", "scaling.md");
        String doc = Files.readString(file);
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        assertTrue(b >= 0 && e > b, "docs/scaling.md has the chart markers");
        String fresh = doc.substring(0, b + BEGIN.length()) + ScalingDay.chart() + doc.substring(e);
        if (Boolean.getBoolean("vending.writeScalingDoc")) {
            Files.writeString(file, fresh);
            doc = fresh;
        }
        assertEquals(fresh, doc, "the chart in docs/scaling.md is stale; regenerate: ./mvnw test -Dtest=ScalingDocTest -Dvending.writeScalingDoc=true");
    }

    @Test
    void theModelStaysInsideTheWindowsBoundsAndFollowsTheLoad() {
        List<ScalingDay.Minute> day = ScalingDay.simulate();
        for (ScalingDay.Minute m : day) {
            boolean inWindow = m.minute() >= ScalingDay.WINDOW_START && m.minute() < ScalingDay.WINDOW_STOP;
            if (inWindow) {
                assertTrue(m.desired() >= ScalingDay.WINDOW_MIN && m.desired() <= ScalingDay.MAX, "bounds at minute " + m.minute());
            } else {
                assertEquals(0, m.desired(), "0/0 outside the window, minute " + m.minute());
            }
        }
        int peak = day.stream().mapToInt(ScalingDay.Minute::inService).max().orElseThrow();
        assertTrue(peak > ScalingDay.WINDOW_MIN, "scales out for the peak");
        assertTrue(day.get(12 * 60 + 50).inService() < day.get(11 * 60).inService(), "scales in for the lunch dip");
    }
}
