package io.warmpath.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version the jar's manifest carries, as Maven built it. */
final class ManifestVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = WarmpathCli.class.getPackage().getImplementationVersion();
        return new String[] {"warmpath-cli " + (version == null ? "(development build)" : version)};
    }
}
