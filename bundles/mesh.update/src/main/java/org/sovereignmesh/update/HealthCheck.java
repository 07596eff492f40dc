package org.sovereignmesh.update;

import java.util.Set;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Takes part in deciding whether a freshly installed update is healthy. Register implementations as OSGi services
 * (whiteboard); the update agent asks every registered check after it installed and started an update.
 *
 * <p>The agent asks repeatedly (about twice a second) until every check, and its own built-in checks (the updated
 * bundles are active, their components satisfied, their transports not failed), have been healthy without a break
 * for a settling time; if that does not happen within the health timeout, the update is rolled back and the
 * reasons the checks gave are reported. Calls come from the agent's install thread; a check should answer within a
 * second. A check that throws counts as unhealthy.
 */
@ConsumerType
@FunctionalInterface
public interface HealthCheck {

    /** Optional service property: the name reports use for this check (default: the class name). */
    String NAME_PROPERTY = "mesh.health.name";

    /**
     * @param updatedBundles symbolic names of the bundles the update installed or replaced
     * @return whether the node is healthy as far as this check can tell
     */
    HealthStatus check(Set<String> updatedBundles);
}
