package dev.vending.cfn.resource;

import java.util.ArrayList;
import java.util.List;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::Logs::LogGroup. */
public final class LogGroup extends Resource {
    private Object logGroupName;
    private Integer retentionInDays;
    private final List<Tag> tags = new ArrayList<>();

    private Object kmsKeyId;

    public LogGroup(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::Logs::LogGroup";
    }

    public LogGroup logGroupName(Object v) { logGroupName = v; return this; }
    public LogGroup retentionInDays(int v) { retentionInDays = v; return this; }
    public LogGroup tag(Tag v) { tags.add(v); return this; }
    /** Key ARN; its key policy must let the logs service principal of the region use it. */
    public LogGroup kmsKeyId(Object v) { kmsKeyId = v; return this; }

    @Override
    protected Props properties() {
        return Props.of()
                .put("LogGroupName", logGroupName)
                .put("RetentionInDays", retentionInDays)
                .put("KmsKeyId", kmsKeyId)
                .put("Tags", tags.isEmpty() ? null : Props.all(tags));
    }
}
