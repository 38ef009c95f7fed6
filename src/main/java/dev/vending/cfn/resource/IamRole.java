package dev.vending.cfn.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::IAM::Role with inline policies. */
public final class IamRole extends Resource {
    private PolicyDocument assumeRolePolicy;
    private String description;
    private String path;
    private Object permissionsBoundary;
    private final List<Object> managedPolicyArns = new ArrayList<>();
    private final Map<String, PolicyDocument> policies = new LinkedHashMap<>();
    private final List<Tag> tags = new ArrayList<>();

    public IamRole(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::IAM::Role";
    }

    public IamRole assumeRolePolicy(PolicyDocument v) { assumeRolePolicy = v; return this; }
    public IamRole description(String v) { description = v; return this; }
    public IamRole path(String v) { path = v; return this; }
    public IamRole managedPolicyArn(Object v) { managedPolicyArns.add(v); return this; }
    public IamRole policy(String name, PolicyDocument document) { policies.put(name, document); return this; }
    public IamRole tag(Tag v) { tags.add(v); return this; }
    public IamRole permissionsBoundary(Object v) { permissionsBoundary = v; return this; }

    public Map<String, PolicyDocument> policies() {
        return java.util.Collections.unmodifiableMap(policies);
    }

    @Override
    protected Props properties() {
        List<Object> inline = new ArrayList<>();
        policies.forEach((name, doc) -> inline.add(Props.of()
                .put("PolicyName", name).put("PolicyDocument", doc.toCfn()).toMap()));
        return Props.of()
                .put("Description", description)
                .put("Path", path)
                .put("PermissionsBoundary", permissionsBoundary)
                .put("AssumeRolePolicyDocument", assumeRolePolicy == null ? null : assumeRolePolicy.toCfn())
                .put("ManagedPolicyArns", managedPolicyArns.isEmpty() ? null : List.copyOf(managedPolicyArns))
                .put("Policies", inline.isEmpty() ? null : inline)
                .put("Tags", tags.isEmpty() ? null : Props.all(tags));
    }
}
