package dev.vending.cfn.resource;

import java.util.List;
import java.util.Map;

import dev.vending.cfn.CfnProperty;
import dev.vending.cfn.Props;

/** An IAM policy document; statements are typed so wildcards are easy to check for. */
public record PolicyDocument(List<? extends CfnProperty> statements) implements CfnProperty {

    public PolicyDocument {
        statements = List.copyOf(statements);
    }

    public static PolicyDocument of(CfnProperty... statements) {
        return new PolicyDocument(List.of(statements));
    }

    @Override
    public Object toCfn() {
        return Props.of()
                .put("Version", "2012-10-17")
                .put("Statement", Props.all(statements))
                .toMap();
    }

    /**
     * A statement that applies only when a template condition holds ({@code whenFalse} may be null:
     * then the statement is left out).
     */
    public record Conditional(dev.vending.cfn.Condition condition, Statement whenTrue, Statement whenFalse)
            implements CfnProperty {
        @Override
        public Object toCfn() {
            return dev.vending.cfn.Fn.ifThen(condition, whenTrue == null ? dev.vending.cfn.Fn.NO_VALUE : whenTrue.toCfn(),
                    whenFalse == null ? dev.vending.cfn.Fn.NO_VALUE : whenFalse.toCfn());
        }
    }

    /**
     * One statement. {@code principal} is for resource policies and trust policies (null otherwise);
     * {@code condition} is the IAM condition block, e.g. {@code {"Bool": {"aws:SecureTransport": "false"}}}.
     */
    public record Statement(String sid, String effect, Map<String, Object> principal, List<String> actions,
            List<Object> resources, Map<String, Object> condition) implements CfnProperty {

        public Statement {
            actions = List.copyOf(actions);
            resources = resources == null ? null : List.copyOf(resources);
        }

        public static Statement allow(String sid, List<String> actions, List<Object> resources) {
            return new Statement(sid, "Allow", null, actions, resources, null);
        }

        public Statement withCondition(Map<String, Object> c) {
            return new Statement(sid, effect, principal, actions, resources, c);
        }

        @Override
        public Object toCfn() {
            return Props.of()
                    .put("Sid", sid)
                    .put("Effect", effect)
                    .put("Principal", principal)
                    .put("Action", actions.size() == 1 ? actions.get(0) : actions)
                    .put("Resource", resources == null ? null : resources.size() == 1 ? resources.get(0) : resources)
                    .put("Condition", condition)
                    .toMap();
        }
    }
}
