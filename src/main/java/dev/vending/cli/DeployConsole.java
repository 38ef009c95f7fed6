package dev.vending.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.vending.deploy.DeployContext;
import dev.vending.deploy.DeployResult;
import dev.vending.deploy.DeployView;
import dev.vending.deploy.DestroyResult;
import dev.vending.deploy.Outcome;
import dev.vending.deploy.Plan;
import dev.vending.deploy.PublishResult;
import dev.vending.deploy.StackEventLine;
import dev.vending.deploy.StackSetReport;
import dev.vending.deploy.StatusReport;

/**
 * How deploy, destroy and status look. Text mode: the report on stdout, prompts and warnings on
 * stderr, colours only on a terminal without NO_COLOR. JSON mode: progress on stderr and the
 * command's result written once to stdout as one document.
 */
final class DeployConsole implements DeployView {
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean json;
    private final DeployContext context;
    private final boolean colour;

    DeployConsole(PrintWriter out, PrintWriter err, boolean json, DeployContext context) {
        this.out = out;
        this.err = err;
        this.json = json;
        this.context = context;
        this.colour = !json && context.interactive() && context.env("NO_COLOR") == null;
    }

    @Override
    public void progress(String line) {
        PrintWriter w = json ? err : out;
        w.println(line);
        w.flush();
    }

    @Override
    public void warn(String line) {
        err.println(line);
        err.flush();
    }

    @Override
    public void plan(Plan plan) {
        int n = plan.changes().size();
        progress((plan.create() ? "Create" : "Update") + " stack " + plan.stackName() + ": " + n + " resource change" + (n == 1 ? "" : "s"));
        for (Plan.ResourceChange c : plan.changes()) {
            String action = c.action() == null ? "" : c.action();
            String sign = switch (action) {
                case "Add" -> "+";
                case "Modify" -> "~";
                case "Remove" -> "-";
                default -> "?";
            };
            String replacement = c.replacement() == null ? "" : switch (c.replacement()) {
                case "True" -> "replace";
                case "Conditional" -> "may replace";
                default -> "";
            };
            progress(paint("Add".equals(action) ? "X_COMPLETE" : "Remove".equals(action) ? "X_FAILED" : "X_IN_PROGRESS",
                    String.format("  %s %-8s %-40s %-34s %s", sign, action, c.resourceType(), c.logicalResourceId(), replacement).stripTrailing()));
        }
        if (plan.changes().isEmpty()) {
            progress("  (CloudFormation lists no resource changes: only parameters, tags or outputs change)");
        }
        if (!plan.parameterChanges().isEmpty()) {
            progress("Parameter changes:");
            for (Plan.ParameterChange p : plan.parameterChanges()) {
                progress(String.format("  ~ %-26s %s -> %s", p.key(), p.before() == null ? "(new)" : show(p.before()), show(p.after())));
            }
        }
    }

    private static String show(String value) {
        return value.isEmpty() ? "''" : value;
    }

    @Override
    public boolean confirm(String question) {
        String answer = context.readLine(question + " [y/N] ");
        return answer != null && (answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"));
    }

    @Override
    public void event(StackEventLine e) {
        String time = e.timestamp() != null && e.timestamp().length() >= 19 ? e.timestamp().substring(11, 19) : String.valueOf(e.timestamp());
        String reason = e.reason() == null ? "" : "  " + e.reason();
        progress(paint(e.status(), String.format("%s  %-44s %-40s %s%s", time, e.status(), e.logicalResourceId(), e.resourceType(), reason)));
    }

    @Override
    public void resourcesDone(int done, int total, String stackStatus) {
        progress(String.format("  ... %d of %d resources done, stack %s", done, total, stackStatus));
    }

    /** The end of a deploy: outputs, runner tags and the console link, or what failed; the JSON document. */
    void deployed(DeployResult r) {
        if (r.result() == Outcome.FAILED) {
            r.failures().forEach(l -> warn("  failed: " + l));
        } else if (r.result() == Outcome.SUCCEEDED) {
            outputs(r.outputs());
            if (!r.runnerTags().isEmpty()) {
                progress("Runner tags for .gitlab-ci.yml:");
                progress("  tags: [" + String.join(", ", r.runnerTags()) + "]");
            }
            progress("Console: " + r.consoleUrl());
            progress("done: stack " + r.stackName() + " " + r.status().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        document("deploy", r, r.result());
    }

    void destroyed(DestroyResult r) {
        if (r.result() == Outcome.FAILED) {
            r.failures().forEach(l -> warn("  failed: " + l));
        }
        document("destroy", r, r.result());
    }

    /** A stack set after deploy, status or destroy: each instance, what failed, and the JSON document. */
    void stackSet(String command, StackSetReport r) {
        if (!json && r.result() != Outcome.CANCELLED && r.result() != Outcome.NOT_FOUND) {
            if (r.status() != null) {
                out.println("stack set " + r.stackSetName() + " (" + r.permissionModel() + ", " + r.region() + "): " + r.status());
            }
            for (StackSetReport.Instance i : r.instances()) {
                out.println(String.format("  %-16s %-12s %s", i.region(), i.account(), paint(i.status(), i.status()
                        + (i.detailedStatus() != null ? " (" + i.detailedStatus() + ")" : "")
                        + (i.reason() != null && !i.reason().isBlank() ? ": " + i.reason() : ""))));
            }
            out.flush();
        }
        document(command, r, r.result());
    }

    void published(PublishResult r) {
        document("publish", r, r.result());
    }

    void status(StatusReport r) {
        if (!json) {
            out.println("stack " + r.stackName() + ": " + paint(r.status(), r.status()) + (r.statusReason() != null ? " (" + r.statusReason() + ")" : ""));
            StatusReport.Group g = r.group();
            if (g != null && !g.found()) {
                out.println("group " + g.name() + ": not found");
            } else if (g != null) {
                out.println("group " + g.name() + ": desired " + g.desired() + ", in service " + g.inService() + " (min " + g.min() + ", max " + g.max() + ")");
                for (StatusReport.Instance i : r.instances()) {
                    out.println(String.format("  %-20s %-9s %-14s %-12s %-9s %s", i.instanceId(), i.lifecycle(), i.instanceType(), i.availabilityZone(),
                            i.state(), i.groupLifecycleState()));
                }
            }
            StatusReport.Group w = r.workers();
            if (w != null) {
                out.println("workers " + w.name() + (w.found() ? ": desired " + w.desired() + ", in service " + w.inService()
                        + " (min " + w.min() + ", max " + w.max() + "; sized by the runner manager)" : ": not found"));
            }
            StatusReport.Scaling sc = r.scaling();
            if (sc != null) {
                out.println("scaling: " + sc.policy() + " keeps " + sc.metric() + " at " + sc.target() + "; protected from scale-in (busy): "
                        + (sc.protectedInstances().isEmpty() ? "none" : String.join(", ", sc.protectedInstances())));
                out.println("  " + metricLine(sc.current(), sc.target()));
            }
            StatusReport.Alarm a = r.inServiceAlarm();
            if (a != null) {
                out.println("alarm" + (a.name() != null ? " " + a.name() : "") + ": " + (a.problem() != null ? a.problem()
                        : !a.found() ? "not found"
                        : a.state() + (a.since() != null ? " since " + a.since() : "") + (a.reason() != null ? " (" + a.reason() + ")" : "")));
            }
            if (!r.failedLaunches().isEmpty()) {
                out.println("Recent failed launches:");
                for (StatusReport.FailedLaunch f : r.failedLaunches()) {
                    out.println("  " + f.startTime() + "  " + f.statusCode() + "  " + f.description() + (f.cause() != null ? ": " + f.cause() : ""));
                    if (f.logStream() != null) {
                        out.println("    log: group " + f.logGroup() + ", stream " + f.logStream());
                    }
                }
            }
            outputs(r.outputs());
            out.println("Console: " + r.consoleUrl());
            out.flush();
        }
        document("status", r, null);
    }

    /** The policy's metric now, or plainly why there is no value. */
    static String metricLine(StatusReport.MetricReading m, Double target) {
        if (m.problem() != null) {
            return "metric: " + m.problem();
        }
        String what = m.statistic() + " per " + period(m.periodSeconds());
        if (m.latest() == null) {
            return "metric " + m.metricName() + ": no datapoint in the last " + m.lookbackMinutes() + " minutes (" + what
                    + "): no instance has reported it yet, or the group has no running instance";
        }
        String line = String.format(Locale.ROOT, "metric %s: %s for the %s from %s", m.metricName(), number(m.latest()),
                period(m.periodSeconds()), m.latestAt());
        if (m.recentDatapoints() > 1) {
            line += String.format(Locale.ROOT, "; last %d minutes %s (mean of %d values)", m.recentMinutes(), number(m.recentMean()),
                    m.recentDatapoints());
        }
        return line + "; target " + number(target) + " (" + what + ")";
    }

    private static String period(Integer seconds) {
        return seconds == null ? "?" : seconds % 60 == 0 ? (seconds == 60 ? "minute" : seconds / 60 + " minutes") : seconds + " s";
    }

    private static String number(Double v) {
        return v == null ? "?" : String.format(Locale.ROOT, "%.1f", v);
    }

    private void outputs(Map<String, String> outputs) {
        if (!outputs.isEmpty()) {
            progress("Outputs:");
            outputs.forEach((k, v) -> progress(String.format("  %-22s %s", k, v)));
        }
    }

    /** JSON mode: the result record as one document, with the command's name and exit code. */
    private void document(String command, Record result, Outcome outcome) {
        if (!json) {
            return;
        }
        ObjectMapper mapper = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL).enable(SerializationFeature.INDENT_OUTPUT);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("command", command);
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = mapper.convertValue(result, LinkedHashMap.class);
        doc.putAll(fields);
        doc.put("exitCode", outcome == Outcome.FAILED ? ExitCodes.FAILURE : ExitCodes.OK);
        try {
            out.println(mapper.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        out.flush();
    }

    private String paint(String status, String text) {
        if (!colour || status == null) {
            return text;
        }
        String code = status.endsWith("_FAILED") || status.contains("ROLLBACK") ? "31"
                : status.endsWith("_COMPLETE") ? "32" : status.endsWith("_IN_PROGRESS") ? "33" : null;
        return code == null ? text : "\u001b[" + code + "m" + text + "\u001b[0m";
    }

}
