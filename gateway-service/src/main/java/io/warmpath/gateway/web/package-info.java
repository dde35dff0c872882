/**
 * The edge of the HTTP surface: the request size limit, and errors rendered as OpenAI error JSON on {@code /v1/*}
 * and as RFC 9457 problem details elsewhere.
 */
@NullMarked
package io.warmpath.gateway.web;



import org.jspecify.annotations.NullMarked;
