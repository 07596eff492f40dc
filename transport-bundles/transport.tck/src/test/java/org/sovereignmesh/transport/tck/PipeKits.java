package org.sovereignmesh.transport.tck;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.sovereignmesh.transport.tck.PipeTransport.Bug;

/**
 * The kit run against {@link PipeTransport}s, correct and broken. These classes are not picked up by Surefire on
 * their own (no Test in their names); {@link TransportTckSelfTest} runs them through the JUnit test kit.
 */
final class PipeKits {
    private PipeKits() {
    }

    abstract static class PipeKit extends TransportTck {
        abstract int fragmentSize();

        abstract Set<Bug> bugs();

        @Override
        protected TransportFixture createFixture() {
            Map<String, PipeTransport> world = new ConcurrentHashMap<>();
            int fragment = fragmentSize();
            return new TransportFixture() {
                @Override
                public PipeTransport create(int index, org.sovereignmesh.time.VirtualScheduler clock) {
                    return new PipeTransport("n" + index, world, 300, fragment, bugs());
                }

                @Override
                public int fragmentSize() {
                    return fragment;
                }
            };
        }
    }

    static final class Fragmenting extends PipeKit {
        @Override
        int fragmentSize() {
            return 20;
        }

        @Override
        Set<Bug> bugs() {
            return Set.of();
        }
    }

    static final class IgnoresMtu extends PipeKit {
        @Override
        int fragmentSize() {
            return 0;
        }

        @Override
        Set<Bug> bugs() {
            return Set.of(Bug.IGNORES_MTU);
        }
    }

    static final class Reorders extends PipeKit {
        @Override
        int fragmentSize() {
            return 0;
        }

        @Override
        Set<Bug> bugs() {
            return Set.of(Bug.REORDERS);
        }
    }

    static final class ClosesTwice extends PipeKit {
        @Override
        int fragmentSize() {
            return 0;
        }

        @Override
        Set<Bug> bugs() {
            return Set.of(Bug.CLOSES_TWICE);
        }
    }

    static final class DropsBeforeStart extends PipeKit {
        @Override
        int fragmentSize() {
            return 0;
        }

        @Override
        Set<Bug> bugs() {
            return Set.of(Bug.DROPS_BEFORE_START);
        }
    }

    static final class LeaksLinksOnStop extends PipeKit {
        @Override
        int fragmentSize() {
            return 0;
        }

        @Override
        Set<Bug> bugs() {
            return Set.of(Bug.LEAKS_LINKS_ON_STOP);
        }
    }
}
