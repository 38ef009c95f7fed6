package dev.vending.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.vending.fleet.Arch;
import dev.vending.fleet.InstanceCatalog;

class PriceTableTest {
    static final List<String> REGIONS = List.of("us-east-1", "us-west-2", "eu-west-1", "eu-central-1");

    @Test
    void coversEveryDefaultTypeTheBaselineAndTheBlogTypeInEveryRegion() {
        PriceTable t = PriceTable.bundled();
        List<String> types = new ArrayList<>(List.of("m5.xlarge", "m6g.large"));
        for (Arch a : Arch.values()) {
            types.addAll(InstanceCatalog.defaults(a, true));
            types.addAll(InstanceCatalog.defaults(a, false));
        }
        for (String region : REGIONS) {
            for (String type : types) {
                assertTrue(t.linux(region, type).isPresent(), type + " in " + region);
                PriceTable.Price p = t.linux(region, type).get();
                assertTrue(p.spot() > 0 && p.spot() < p.onDemand(), type + " in " + region + ": " + p);
            }
        }
        assertTrue(t.regions().containsAll(REGIONS));
    }

    @Test
    void blogFiguresAndNamedSource() {
        PriceTable t = PriceTable.bundled();
        assertEquals(0.192, t.linux("us-east-1", "m5.xlarge").orElseThrow().onDemand());
        assertEquals(0.0419, t.linux("us-east-1", "m6g.large").orElseThrow().spot());
        assertTrue(t.date().matches("\\d{4}-\\d{2}-\\d{2}"), t.date());
        assertTrue(t.source().contains("AWS EC2 On-Demand pricing page"), t.source());
        assertFalse(t.linux("us-east-1", "m9z.large").isPresent());
    }

    @Test
    void everyTypeInTheTableIsInTheCatalogue() {
        String csv = new String(readResource(), java.nio.charset.StandardCharsets.UTF_8);
        csv.lines().filter(l -> !l.startsWith("#") && !l.startsWith("region,")).forEach(l -> {
            String type = l.split(",")[1];
            assertTrue(InstanceCatalog.find(type).isPresent(), type);
        });
    }

    private static byte[] readResource() {
        try (var in = PriceTable.class.getResourceAsStream(PriceTable.RESOURCE)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
