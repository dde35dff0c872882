/** A throwaway Redis server on loopback for local runs and tests; never a dependency of a service at runtime. */
@NullMarked
package io.warmpath.devredis;

import org.jspecify.annotations.NullMarked;
