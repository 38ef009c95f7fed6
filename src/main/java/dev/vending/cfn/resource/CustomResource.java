package dev.vending.cfn.resource;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** A custom resource ({@code Custom::Name}) backed by a Lambda function: ServiceToken and properties. */
public final class CustomResource extends Resource {
    private final String type;
    private final Object serviceToken;
    private final Map<String, Object> properties = new LinkedHashMap<>();

    public CustomResource(String logicalId, String name, Object serviceToken) {
        super(logicalId);
        this.type = "Custom::" + name;
        this.serviceToken = serviceToken;
    }

    @Override
    public String type() {
        return type;
    }

    public CustomResource property(String name, Object value) {
        properties.put(name, value);
        return this;
    }

    @Override
    protected Props properties() {
        Props p = Props.of().put("ServiceToken", serviceToken);
        properties.forEach(p::put);
        return p;
    }
}
