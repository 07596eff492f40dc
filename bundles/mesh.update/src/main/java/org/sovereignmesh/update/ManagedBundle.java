package org.sovereignmesh.update;

import java.util.Objects;

/** A bundle that an installed update put into the framework, and will put there again after a restart. Immutable. */
public final class ManagedBundle {
    private final String symbolicName;
    private final String version;
    private final String sha256;
    private final String updateId;
    private final String updateName;
    private final String updateVersion;

    public ManagedBundle(String symbolicName, String version, String sha256, String updateId, String updateName,
            String updateVersion) {
        this.symbolicName = Objects.requireNonNull(symbolicName, "symbolicName");
        this.version = Objects.requireNonNull(version, "version");
        this.sha256 = Objects.requireNonNull(sha256, "sha256");
        this.updateId = Objects.requireNonNull(updateId, "updateId");
        this.updateName = Objects.requireNonNull(updateName, "updateName");
        this.updateVersion = Objects.requireNonNull(updateVersion, "updateVersion");
    }

    public String symbolicName() {
        return symbolicName;
    }

    public String version() {
        return version;
    }

    /** @return SHA-256 of the bundle's jar, in hex */
    public String sha256() {
        return sha256;
    }

    /** @return the update that installed it */
    public String updateId() {
        return updateId;
    }

    public String updateName() {
        return updateName;
    }

    public String updateVersion() {
        return updateVersion;
    }

    @Override
    public String toString() {
        return symbolicName + " " + version + " (update " + updateName + " " + updateVersion + ")";
    }
}
