/** A loopback S3 server for development and tests (S3Proxy in a child process). */
@NullMarked
package io.warmpath.devs3;

import org.jspecify.annotations.NullMarked;
