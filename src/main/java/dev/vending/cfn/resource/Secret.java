package dev.vending.cfn.resource;

import java.util.ArrayList;
import java.util.List;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::SecretsManager::Secret, its value taken from a NoEcho parameter. */
public final class Secret extends Resource {
    private Object name;
    private String description;
    private Object secretString;
    private final List<Tag> tags = new ArrayList<>();

    private Object kmsKeyId;

    public Secret(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::SecretsManager::Secret";
    }

    public Secret name(Object v) { name = v; return this; }
    public Secret description(String v) { description = v; return this; }
    public Secret secretString(Object v) { secretString = v; return this; }
    public Secret tag(Tag v) { tags.add(v); return this; }
    /** Customer managed key; without it Secrets Manager uses the account's aws/secretsmanager key. */
    public Secret kmsKeyId(Object v) { kmsKeyId = v; return this; }

    @Override
    protected Props properties() {
        return Props.of()
                .put("Name", name)
                .put("Description", description)
                .put("SecretString", secretString)
                .put("KmsKeyId", kmsKeyId)
                .put("Tags", tags.isEmpty() ? null : Props.all(tags));
    }
}
