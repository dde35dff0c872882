package io.warmpath.cli;

/** A command line that does not fit the command's usage; reported with the usage text and exit code 2. */
final class UsageException extends Exception {

    UsageException(String message) {
        super(message);
    }
}
