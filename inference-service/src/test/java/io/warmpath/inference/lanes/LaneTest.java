package io.warmpath.inference.lanes;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaneTest {

    private static final long LATER = Duration.ofMinutes(5).toNanos();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void aFreedPlaceGoesToTheWaitingRequestWithTheEarliestDeadline() {
        Lane lane = new Lane(Lane.Kind.PREFILL, new LaneProperties.Prefill(1, 4), meters);
        Ticket running = lane.admit(deadlineIn(LATER)).block();
        List<String> started = new ArrayList<>();
        lane.admit(deadlineIn(LATER)).subscribe(ticket -> started.add("late"));
        lane.admit(deadlineIn(LATER / 2)).subscribe(ticket -> started.add("early"));
        assertThat(started).isEmpty();
        assertThat(lane.queued()).isEqualTo(2);

        running.release();

        assertThat(started).containsExactly("early");
        assertThat(lane.active()).isEqualTo(1);
        assertThat(lane.queued()).isEqualTo(1);
    }

    @Test
    void aFullQueueIsRefusedAtOnceAndARequestThatCannotStartInTimeToo() throws Exception {
        Lane lane = new Lane(Lane.Kind.PREFILL, new LaneProperties.Prefill(1, 1), meters);
        Ticket first = lane.admit(deadlineIn(LATER)).block();
        // The lane learns how long its requests hold a place: about 200 ms.
        Thread.sleep(200);
        first.release();
        Ticket running = lane.admit(deadlineIn(LATER)).block();

        assertThatThrownBy(() -> lane.admit(deadlineIn(Duration.ofMillis(50).toNanos())).block())
                .isInstanceOfSatisfying(LaneRefusedException.class, refused -> assertThat(refused.full()).isFalse());
        lane.admit(deadlineIn(LATER)).subscribe();
        assertThatThrownBy(() -> lane.admit(deadlineIn(LATER)).block())
                .isInstanceOfSatisfying(LaneRefusedException.class, refused -> {
                    assertThat(refused.full()).isTrue();
                    assertThat(refused.retryAfter()).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
                });
        running.release();
    }

    @Test
    void aWaiterThatGivesUpLeavesTheQueueAndThePlaceGoesToTheNext() {
        Lane lane = new Lane(Lane.Kind.INTERACTIVE, new LaneProperties.Prefill(1, 4), meters);
        Ticket running = lane.admit(deadlineIn(LATER)).block();
        Disposable gaveUp = lane.admit(deadlineIn(LATER / 4)).subscribe();
        List<Ticket> next = new ArrayList<>();
        lane.admit(deadlineIn(LATER)).subscribe(next::add);

        gaveUp.dispose();
        assertThat(lane.queued()).isEqualTo(1);
        running.release();

        assertThat(next).hasSize(1);
        next.getFirst().release();
        next.getFirst().release();
        assertThat(lane.active()).as("a ticket released twice frees one place").isZero();
    }

    private static long deadlineIn(long nanos) {
        return System.nanoTime() + nanos;
    }
}
