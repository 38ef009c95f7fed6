package dev.vending.cfn.resource;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::SSM::Parameter, a plain String (never a secret: CloudFormation cannot create SecureStrings). */
public final class SsmParameter extends Resource {
    private Object name;
    private String description;
    private Object value;

    public SsmParameter(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::SSM::Parameter";
    }

    public SsmParameter name(Object v) { name = v; return this; }
    public SsmParameter description(String v) { description = v; return this; }
    public SsmParameter value(Object v) { value = v; return this; }

    @Override
    protected Props properties() {
        return Props.of()
                .put("Name", name)
                .put("Description", description)
                .put("Type", "String")
                .put("Tier", "Standard")
                .put("Value", value);
    }
}
