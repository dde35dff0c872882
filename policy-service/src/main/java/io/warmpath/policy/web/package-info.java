/** Error answers: RFC 9457 problem details for every client mistake. */
@NullMarked
package io.warmpath.policy.web;

import org.jspecify.annotations.NullMarked;
