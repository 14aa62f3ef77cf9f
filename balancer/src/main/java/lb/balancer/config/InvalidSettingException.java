package lb.balancer.config;

/** A setting has a value the balancer cannot run with; the message names the variable and what is allowed. */
public final class InvalidSettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidSettingException(String variable, String value, String expected) {
        super("invalid " + variable + "='" + value + "': expected " + expected);
    }
}
