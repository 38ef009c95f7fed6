package dev.vending.cfn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ordered property bag used inside the typed builders only. Null values are skipped so optional
 * properties simply stay out of the template; insertion order is the output order (determinism).
 */
public final class Props {
    private final Map<String, Object> values = new LinkedHashMap<>();

    public Props put(String key, Object value) {
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
        return this;
    }

    public Map<String, Object> toMap() {
        return values;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public static Props of() {
        return new Props();
    }

    /** Renders CfnProperty lists element by element. */
    public static List<Object> all(List<? extends CfnProperty> items) {
        return items.stream().map(CfnProperty::toCfn).map(o -> (Object) o).toList();
    }
}
