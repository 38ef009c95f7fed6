package dev.vending.cfn.resource;

import java.util.List;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::IAM::InstanceProfile. */
public final class InstanceProfile extends Resource {
    private List<Object> roles;
    private String path;

    public InstanceProfile(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::IAM::InstanceProfile";
    }

    public InstanceProfile roles(List<Object> v) { roles = List.copyOf(v); return this; }
    public InstanceProfile path(String v) { path = v; return this; }

    @Override
    protected Props properties() {
        return Props.of().put("Path", path).put("Roles", roles);
    }
}
