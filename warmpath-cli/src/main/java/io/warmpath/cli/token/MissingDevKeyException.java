package io.warmpath.cli.token;

import java.nio.file.Path;

/** Thrown when a key directory holds no development signing key; the message tells the user how to create one. */
public final class MissingDevKeyException extends IllegalStateException {

    MissingDevKeyException(Path signingKey) {
        super("no development signing key at " + signingKey
                + "; run `./warmpath up` (or `warmpath-cli keys --dir " + signingKey.getParent() + "`) first");
    }
}
