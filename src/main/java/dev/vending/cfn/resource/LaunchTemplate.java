package dev.vending.cfn.resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vending.cfn.Props;
import dev.vending.cfn.Resource;

/**
 * AWS::EC2::LaunchTemplate. IMDSv2 is always required and the root volume always encrypted:
 * the builder has no switch to turn either off.
 */
public final class LaunchTemplate extends Resource {
    private Object imageId;
    private Object instanceProfileArn;
    private final List<Object> securityGroupIds = new ArrayList<>();
    private Object metadataHopLimit = 1;
    private String rootDeviceName;
    private Object rootVolumeSizeGiB;
    private Object userData;
    private Object rootVolumeKmsKeyId;
    private final List<Tag> instanceTags = new ArrayList<>();

    public LaunchTemplate(String logicalId) {
        super(logicalId);
    }

    @Override
    public String type() {
        return "AWS::EC2::LaunchTemplate";
    }

    public LaunchTemplate imageId(Object v) { imageId = v; return this; }
    public LaunchTemplate instanceProfileArn(Object v) { instanceProfileArn = v; return this; }
    public LaunchTemplate securityGroupId(Object v) { securityGroupIds.add(v); return this; }
    /** 2 lets containers on the docker bridge reach IMDSv2 (one extra hop). */
    public LaunchTemplate metadataHopLimit(Object v) { metadataHopLimit = v; return this; }
    public LaunchTemplate rootVolume(String deviceName, Object sizeGiB) { rootDeviceName = deviceName; rootVolumeSizeGiB = sizeGiB; return this; }
    public LaunchTemplate userData(Object v) { userData = v; return this; }
    /** Root volume key; null for the account's default EBS key. */
    public LaunchTemplate rootVolumeKmsKeyId(Object v) { rootVolumeKmsKeyId = v; return this; }
    /** Tags put on instances and their volumes at launch. */
    public LaunchTemplate instanceTag(Tag v) { instanceTags.add(v); return this; }

    @Override
    protected Props properties() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("HttpEndpoint", "enabled");
        metadata.put("HttpTokens", "required");
        metadata.put("HttpPutResponseHopLimit", metadataHopLimit);
        metadata.put("InstanceMetadataTags", "disabled");
        Props ebs = Props.of()
                .put("VolumeSize", rootVolumeSizeGiB)
                .put("VolumeType", "gp3")
                .put("Encrypted", true)
                .put("KmsKeyId", rootVolumeKmsKeyId)
                .put("DeleteOnTermination", true);
        List<Object> tagSpecs = new ArrayList<>();
        if (!instanceTags.isEmpty()) {
            for (String resourceType : List.of("instance", "volume", "network-interface")) {
                tagSpecs.add(Props.of().put("ResourceType", resourceType).put("Tags", Props.all(instanceTags)).toMap());
            }
        }
        Props data = Props.of()
                .put("ImageId", imageId)
                .put("IamInstanceProfile", instanceProfileArn == null ? null : Map.of("Arn", instanceProfileArn))
                .put("SecurityGroupIds", securityGroupIds.isEmpty() ? null : List.copyOf(securityGroupIds))
                .put("MetadataOptions", metadata)
                .put("BlockDeviceMappings", rootDeviceName == null ? null
                        : List.of(Props.of().put("DeviceName", rootDeviceName).put("Ebs", ebs.toMap()).toMap()))
                // basic (5-minute) EC2 monitoring: detailed monitoring is billed per metric
                .put("Monitoring", Map.of("Enabled", false))
                .put("TagSpecifications", tagSpecs.isEmpty() ? null : tagSpecs)
                .put("UserData", userData);
        return Props.of().put("LaunchTemplateData", data.toMap());
    }
}
