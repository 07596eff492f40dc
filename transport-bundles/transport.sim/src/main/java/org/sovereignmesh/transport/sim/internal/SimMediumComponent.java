package org.sovereignmesh.transport.sim.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.sovereignmesh.transport.sim.RadioMedium;
import org.sovereignmesh.transport.sim.RadioReceiver;
import org.sovereignmesh.transport.sim.RadioStation;
import org.sovereignmesh.transport.sim.StationSpec;
import org.sovereignmesh.time.SystemScheduler;

/**
 * Registers a simulated {@link RadioMedium} service on wall-clock time. Without configuration one medium named
 * {@code sim} appears; each factory configuration of {@value #PID} adds another.
 */
@Component(service = RadioMedium.class, configurationPid = SimMediumComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SimMediumComponent.Config.class, factory = true)
public final class SimMediumComponent implements RadioMedium {
    static final String PID = "org.sovereignmesh.transport.sim.medium";

    @ObjectClassDefinition(name = "Sovereign Mesh simulated radio medium",
            description = "A shared simulated radio channel with collisions and seeded random loss.")
    @interface Config {
        @AttributeDefinition(description = "Medium name; stations of the sim transport join the medium of this name.")
        String medium_name() default "sim";

        @AttributeDefinition(description = "Percentage of otherwise intact receptions lost at random.", min = "0", max = "99")
        double lossPercent() default 0;

        @AttributeDefinition(description = "Seed of the random loss, so runs repeat.")
        long seed() default 1;
    }

    private SystemScheduler scheduler;
    private SimMedium medium;

    @Activate
    void activate(Config config) {
        scheduler = new SystemScheduler("sim-medium-" + config.medium_name());
        medium = new SimMedium(config.medium_name(), scheduler, config.lossPercent() / 100.0, config.seed());
    }

    @Deactivate
    void deactivate() {
        scheduler.close();
    }

    @Override
    public String name() {
        return medium.name();
    }

    @Override
    public RadioStation join(StationSpec spec, RadioReceiver receiver) {
        return medium.join(spec, receiver);
    }
}
