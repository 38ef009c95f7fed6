package dev.vending.deploy;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.vending.failure.Failure;
import dev.vending.fleet.FleetTemplate;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.ec2.model.Instance;

/** `vending status`: the stack, its group's counts, and each instance (Spot or On-Demand, type, AZ, state). */
public record StatusReporter(AwsSettings settings, DeployContext context, PrintWriter out, PrintWriter err) {
    public int status(String name) {
        Ui ui = new Ui(out, err, settings.json(), context);
        try (Clients clients = new Clients(settings, context)) {
            return run(name, clients, ui);
        } catch (SdkException e) {
            throw AwsFailures.of("status " + name, e);
        }
    }

    private int run(String name, Clients clients, Ui ui) {
        StackOps ops = new StackOps(clients, ui);
        Optional<Stack> found = ops.find(name);
        if (found.isEmpty()) {
            throw new Failure(Failure.Kind.AWS, "stack " + name + " does not exist in " + clients.region);
        }
        Stack stack = found.get();
        ui.facts.put("command", "status");
        ui.facts.put("stackName", name);
        ui.facts.put("region", clients.region);
        ui.facts.put("stackId", stack.stackId());
        ui.facts.put("status", stack.stackStatusAsString());
        if (stack.stackStatusReason() != null) {
            ui.facts.put("statusReason", stack.stackStatusReason());
        }
        ui.facts.put("consoleUrl", ops.consoleLink(stack.stackId()));
        List<String> lines = new ArrayList<>();
        lines.add("stack " + name + ": " + ui.paint(stack.stackStatusAsString(), stack.stackStatusAsString())
                + (stack.stackStatusReason() != null ? " (" + stack.stackStatusReason() + ")" : ""));
        Map<String, String> outputs = ops.outputs(stack);
        String asgName = outputs.get(FleetTemplate.OUT_ASG);
        if (asgName == null && !"REVIEW_IN_PROGRESS".equals(stack.stackStatusAsString())) {
            asgName = ops.physicalIdOfType(stack.stackId(), "AWS::AutoScaling::AutoScalingGroup").orElse(null);
        }
        if (asgName != null) {
            String n = asgName;
            List<AutoScalingGroup> groups = clients.autoscaling().describeAutoScalingGroups(b -> b.autoScalingGroupNames(n)).autoScalingGroups();
            if (groups.isEmpty()) {
                lines.add("group " + asgName + ": not found");
            } else {
                AutoScalingGroup g = groups.get(0);
                long inService = g.instances().stream().filter(i -> "InService".equals(i.lifecycleStateAsString())).count();
                Map<String, Object> gf = new LinkedHashMap<>();
                gf.put("name", asgName);
                gf.put("desired", g.desiredCapacity());
                gf.put("min", g.minSize());
                gf.put("max", g.maxSize());
                gf.put("inService", inService);
                ui.facts.put("group", gf);
                lines.add("group " + asgName + ": desired " + g.desiredCapacity() + ", in service " + inService
                        + " (min " + g.minSize() + ", max " + g.maxSize() + ")");
                Map<String, Instance> ec2 = new LinkedHashMap<>();
                List<String> ids = g.instances().stream().map(i -> i.instanceId()).toList();
                if (!ids.isEmpty()) {
                    clients.ec2().describeInstancesPaginator(b -> b.instanceIds(ids)).reservations()
                            .forEach(r -> r.instances().forEach(i -> ec2.put(i.instanceId(), i)));
                }
                List<Map<String, Object>> inst = new ArrayList<>();
                for (var i : g.instances()) {
                    Instance e = ec2.get(i.instanceId());
                    String lifecycle = e != null && "spot".equals(e.instanceLifecycleAsString()) ? "Spot" : "On-Demand";
                    String type = e != null && e.instanceTypeAsString() != null ? e.instanceTypeAsString() : i.instanceType();
                    String state = e != null && e.state() != null ? e.state().nameAsString() : "?";
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("instanceId", i.instanceId());
                    f.put("lifecycle", lifecycle);
                    f.put("instanceType", type);
                    f.put("availabilityZone", i.availabilityZone());
                    f.put("state", state);
                    f.put("groupLifecycleState", i.lifecycleStateAsString());
                    f.put("health", i.healthStatus());
                    inst.add(f);
                    lines.add(String.format("  %-20s %-9s %-14s %-12s %-9s %s", i.instanceId(), lifecycle, type, i.availabilityZone(),
                            state, i.lifecycleStateAsString()));
                }
                ui.facts.put("instances", inst);
            }
        }
        if (!outputs.isEmpty()) {
            ui.facts.put("outputs", outputs);
        }
        lines.add("Console: " + ops.consoleLink(stack.stackId()));
        if (!ui.json) {
            lines.forEach(ui::say);
        }
        return ui.ok();
    }
}
