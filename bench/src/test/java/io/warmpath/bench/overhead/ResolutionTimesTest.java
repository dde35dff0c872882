package io.warmpath.bench.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResolutionTimesTest {

    private static final String BEFORE = """
            # TYPE warmpath_gateway_sessions_resolutions_seconds histogram
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="cached",le="1.0E-5"} 10
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="cached",le="1.0E-4"} 10
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="cached",le="0.001"} 10
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="cached",le="+Inf"} 10
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="resolved",le="0.001"} 0
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="resolved",le="0.01"} 5
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="resolved",le="+Inf"} 5
            warmpath_gateway_sessions_resolutions_seconds_count{outcome="cached"} 10
            """;
    private static final String AFTER = """
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="cached",le="1.0E-5"} 90
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="cached",le="1.0E-4"} 108
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="cached",le="0.001"} 110
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="cached",le="+Inf"} 110
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="stale",le="1.0E-5"} 0
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="stale",le="1.0E-4"} 0
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="stale",le="0.001"} 2
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="stale",le="+Inf"} 2
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="resolved",le="0.001"} 0
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="resolved",le="0.01"} 7
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="resolved",le="+Inf"} 7
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="unavailable",le="0.01"} 0
            warmpath_gateway_sessions_resolutions_seconds_bucket{outcome="unavailable",le="+Inf"} 1
            """;

    @Test
    void nearCacheAnswersAndSessionServiceCallsOfTheRunBetweenTwoScrapes() {
        ResolutionTimes run = ResolutionTimes.parse(AFTER).minus(ResolutionTimes.parse(BEFORE));

        // 100 cached + 2 stale; of those, 80 within 10 us, 98 within 100 us, all 102 within 1 ms.
        assertThat(run.nearCacheCount()).isEqualTo(102);
        assertThat(run.nearCacheP99Millis()).isEqualTo(1.0);
        // 2 resolved within 10 ms and 1 unavailable beyond every bound.
        assertThat(run.remoteCount()).isEqualTo(3);
        assertThat(run.remoteP99Millis()).isInfinite();
    }

    @Test
    void aRunWithoutResolutionsHasNoPercentile() {
        ResolutionTimes none = ResolutionTimes.parse(BEFORE).minus(ResolutionTimes.parse(BEFORE));

        assertThat(none.nearCacheCount()).isZero();
        assertThat(none.nearCacheP99Millis()).isNaN();
    }
}
