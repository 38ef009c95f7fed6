package dev.vending.cfn.resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/** AWS::Lambda::Function with inline code ({@code Code.ZipFile}, at most 4096 characters). */
public final class LambdaFunction extends Resource {
    public static final int ZIP_FILE_LIMIT = 4096;

    private String description;
    private String runtime;
    private String handler;
    private Object role;
    private String zipFile;
    private Integer timeoutSeconds;
    private Integer memoryMiB;
    private String architecture;
    private Object logGroup;
    private final List<Tag> tags = new ArrayList<>();

    public LambdaFunction(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::Lambda::Function";
    }

    public LambdaFunction description(String v) { description = v; return this; }
    public LambdaFunction runtime(String v) { runtime = v; return this; }
    public LambdaFunction handler(String v) { handler = v; return this; }
    public LambdaFunction role(Object v) { role = v; return this; }
    public LambdaFunction timeoutSeconds(int v) { timeoutSeconds = v; return this; }
    public LambdaFunction memoryMiB(int v) { memoryMiB = v; return this; }
    public LambdaFunction architecture(String v) { architecture = v; return this; }
    /** The log group the function writes to (LoggingConfig), instead of /aws/lambda/NAME. */
    public LambdaFunction logGroup(Object v) { logGroup = v; return this; }
    public LambdaFunction tag(Tag v) { tags.add(v); return this; }

    public LambdaFunction zipFile(String code) {
        if (code.length() > ZIP_FILE_LIMIT) {
            throw new IllegalArgumentException("inline Lambda code is " + code.length() + " characters, over " + ZIP_FILE_LIMIT);
        }
        zipFile = code;
        return this;
    }

    @Override
    protected Props properties() {
        return Props.of()
                .put("Description", description)
                .put("Runtime", runtime)
                .put("Handler", handler)
                .put("Role", role)
                .put("Architectures", architecture == null ? null : List.of(architecture))
                .put("MemorySize", memoryMiB)
                .put("Timeout", timeoutSeconds)
                .put("LoggingConfig", logGroup == null ? null : Map.of("LogGroup", logGroup))
                .put("Code", zipFile == null ? null : Map.of("ZipFile", zipFile))
                .put("Tags", tags.isEmpty() ? null : Props.all(tags));
    }
}
