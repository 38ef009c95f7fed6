package dev.vending.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Everything `vending deploy` was asked, as plain values. */
public record DeployRequest(String stackName, TemplateSource template, String vpc, List<String> subnets, Path tokenFile,
        Map<String, String> parameters, Map<String, String> tags, String s3Bucket, boolean noExecute, boolean replaceFailed) {
}
