package dev.vending.cfn.resource;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.vending.cfn.CfnProperty;

/** A resource tag; {@code propagateAtLaunch} is used by Auto Scaling groups only (null elsewhere). */
public record Tag(String key, Object value, Boolean propagateAtLaunch) implements CfnProperty {
    public Tag(String key, Object value) {
        this(key, value, null);
    }

    @Override
    public Object toCfn() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Key", key);
        m.put("Value", value);
        if (propagateAtLaunch != null) {
            m.put("PropagateAtLaunch", propagateAtLaunch);
        }
        return m;
    }
}
