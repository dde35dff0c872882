package io.warmpath.enginesim.admin;

import io.warmpath.enginesim.engine.FaultSettings;

/**
 * Body of {@code PUT /admin/faults}; a missing field takes its "off" value.
 *
 * @param failNext       fail the next N generation requests (default 0)
 * @param failStatus     HTTP status of those failures (default 500)
 * @param stallMs        real milliseconds of extra wait before the first token (default 0)
 * @param cutAfterTokens abort streams after this many tokens (default -1 = off)
 * @param slowdown       multiplies prefill and decode times (default 1.0 = off)
 */
record FaultsDocument(Integer failNext, Integer failStatus, Long stallMs, Integer cutAfterTokens, Double slowdown) {

    FaultSettings toSettings() {
        FaultSettings off = FaultSettings.NONE;
        return new FaultSettings(
                failNext != null ? failNext : off.failNext(),
                failStatus != null ? failStatus : off.failStatus(),
                stallMs != null ? stallMs : off.stallMs(),
                cutAfterTokens != null ? cutAfterTokens : off.cutAfterTokens(),
                slowdown != null ? slowdown : off.slowdown());
    }
}
