package dev.vending.cfn;

/**
 * A property value that is either fixed when the template is generated ({@link Literal}) or left
 * to CloudFormation ({@link Intrinsic}: a parameter reference, a condition's {@code Fn::If}, ...).
 * Both kinds go into the template tree as they are.
 */
public sealed interface CfnValue permits CfnValue.Literal, Intrinsic {

    static CfnValue of(String value) {
        return new Literal(value);
    }

    static CfnValue of(int value) {
        return new Literal(value);
    }

    static CfnValue of(boolean value) {
        return new Literal(value);
    }

    /** A string, whole number or boolean written into the template as is. */
    record Literal(Object value) implements CfnValue, CfnProperty {
        public Literal {
            if (!(value instanceof String || value instanceof Integer || value instanceof Boolean)) {
                throw new IllegalArgumentException("not a literal template value: " + value);
            }
        }

        @Override
        public Object toCfn() {
            return value;
        }
    }
}
