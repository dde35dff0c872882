/** {@code GET /cell/status} for the gateway's health checks and load view, and the cell's in-flight counter. */
package io.warmpath.inference.cell;
