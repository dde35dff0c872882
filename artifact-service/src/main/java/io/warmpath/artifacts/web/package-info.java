/** The HTTP edge of the artifact service: security and the shape of every error. */
@NullMarked
package io.warmpath.artifacts.web;

import org.jspecify.annotations.NullMarked;
