package io.warmpath.contracts.assertion;

/** The {@code aud} of an internal assertion: the service it is for, and nothing else accepts it. */
public final class Audiences {

    public static final String INFERENCE = "inference-service";
    public static final String SESSIONS = "session-service";
    public static final String POLICY = "policy-service";
    public static final String ARTIFACTS = "artifact-service";

    /** The default {@code iss} of assertions: the gateway. */
    public static final String GATEWAY_ISSUER = "warmpath-gateway";

    private Audiences() {
    }
}
