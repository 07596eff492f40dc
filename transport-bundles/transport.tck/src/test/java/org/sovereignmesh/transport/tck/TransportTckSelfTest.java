package org.sovereignmesh.transport.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** The kit passes a correct transport, runs its fragmentation tests on one that fragments, and catches broken ones. */
class TransportTckSelfTest {

    private static Events run(Class<?> kit) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(kit)).execute().testEvents();
    }

    private static Set<String> names(List<Event> events) {
        return events.stream().map(e -> e.getTestDescriptor().getSource().orElseThrow())
                .map(s -> ((MethodSource) s).getMethodName()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> failed(Events events) {
        return names(events.failed().list());
    }

    @Test
    void aCorrectFragmentingTransportPassesEveryTestIncludingFragmentation() {
        Events events = run(PipeKits.Fragmenting.class);
        assertEquals(Set.of(), failed(events), "failures: " + events.failed().list().stream()
                .map(e -> e.getPayload(TestExecutionResult.class).flatMap(TestExecutionResult::getThrowable)
                        .map(Throwable::toString).orElse("")).collect(Collectors.toList()));
        Set<String> succeeded = names(events.succeeded().list());
        assertTrue(succeeded.contains("framesAroundFragmentBoundariesArriveIntactAndInOrder")
                && succeeded.contains("fragmentsOfTwoSendersAreNeverMixed"), "fragmentation tests ran: " + succeeded);
        assertTrue(succeeded.size() >= 17, "nearly every test applies to a duplex transport: " + succeeded);
        assertEquals(Set.of("hostileInputIsBoundedAndTheTransportKeepsWorking"), names(events.aborted().list()),
                "only the hostile-input test is skipped (aborted by its assumption): the fixture has no raw peer");
    }

    @Test
    void aTransportThatSendsAboveItsMtuIsCaught() {
        assertTrue(failed(run(PipeKits.IgnoresMtu.class)).contains("aFrameLargerThanTheMtuIsRefusedAndTheLinkStillWorks"));
    }

    @Test
    void aTransportThatReordersFramesWhileClaimingNotToBeLossyIsCaught() {
        Set<String> failed = failed(run(PipeKits.Reorders.class));
        assertTrue(failed.contains("deliveryMatchesTheDeclaredLossBehaviour"), failed.toString());
    }

    @Test
    void aTransportThatReportsLinkClosedTwiceIsCaught() {
        Set<String> failed = failed(run(PipeKits.ClosesTwice.class));
        assertTrue(failed.contains("closeReportsLinkClosedExactlyOnceAndSendThenFails")
                && failed.contains("stopClosesEveryLinkExactlyOnce"), failed.toString());
    }

    @Test
    void aTransportThatLosesFramesArrivingBeforeStartIsCaught() {
        Set<String> failed = failed(run(PipeKits.DropsBeforeStart.class));
        assertTrue(failed.contains("framesWaitForStartAndNoneIsLost"), failed.toString());
    }

    @Test
    void aTransportThatLeavesLinksOpenOnStopIsCaught() {
        Set<String> failed = failed(run(PipeKits.LeaksLinksOnStop.class));
        assertTrue(failed.contains("stopClosesEveryLinkExactlyOnce"), failed.toString());
    }
}
