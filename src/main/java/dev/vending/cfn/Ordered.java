package dev.vending.cfn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;

/** Determinism guard: a map with several keys must have a defined order (Map.of's order changes per JVM run). */
final class Ordered {
    private Ordered() {
    }

    static void check(Map<?, ?> map) {
        if (map.size() > 1 && !(map instanceof LinkedHashMap<?, ?>) && !(map instanceof SortedMap<?, ?>)) {
            throw new IllegalArgumentException("template map without a defined key order: " + map.keySet());
        }
    }
}
