package io.warmpath.enginesim.openai;

import io.warmpath.enginesim.engine.GenerationHandle;
import io.warmpath.enginesim.engine.GenerationListener;
import io.warmpath.enginesim.engine.GenerationRequest;
import io.warmpath.enginesim.engine.GenerationResult;
import io.warmpath.enginesim.engine.InjectedFaultException;
import io.warmpath.enginesim.engine.SimulatedEngine;
import io.warmpath.enginesim.engine.StreamCutException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One generation on the engine, seen as a Flux of events. Injected failures are known as soon as the call starts,
 * so the handler can still answer them with an HTTP error status instead of a stream.
 */
final class EngineCall implements GenerationListener {

    sealed interface Event permits Token, Done, Cut {
    }

    record Token(int index) implements Event {
    }

    record Done(GenerationResult result) implements Event {
    }

    /**
     * The generation was cut by a fault. An event rather than an error signal, so that operators with queues
     * (which drop queued items when an error overtakes them) still deliver every token produced before the cut.
     */
    record Cut(StreamCutException cause) implements Event {
    }

    /** Single producer: the engine's event loop (or the submitting thread, for an injected failure). */
    private final Sinks.Many<Event> sink = Sinks.many().unicast().onBackpressureBuffer();
    private volatile InjectedFaultException injectedFailure;
    private GenerationHandle handle;

    private EngineCall() {
    }

    static EngineCall start(SimulatedEngine engine, GenerationRequest request) {
        EngineCall call = new EngineCall();
        call.handle = engine.submit(request, call);
        return call;
    }

    /** The failure injected when the call started, or null. */
    InjectedFaultException injectedFailure() {
        return injectedFailure;
    }

    /** Tokens then one {@link Done}; cancelling (client gone) aborts the generation in the engine. */
    Flux<Event> events() {
        return sink.asFlux().doOnCancel(handle::cancel);
    }

    /** The outcome, once every token is produced; a cut fails it. */
    Mono<GenerationResult> result() {
        return events()
                .<GenerationResult>handle((event, sink) -> {
                    switch (event) {
                        case Done done -> sink.next(done.result());
                        case Cut cut -> sink.error(cut.cause());
                        case Token token -> {
                            // only the outcome matters here
                        }
                    }
                })
                .last();
    }

    @Override
    public void onToken(int index, double atSeconds) {
        sink.tryEmitNext(new Token(index));
    }

    @Override
    public void onComplete(GenerationResult result) {
        sink.tryEmitNext(new Done(result));
        sink.tryEmitComplete();
    }

    @Override
    public void onError(RuntimeException error) {
        switch (error) {
            case StreamCutException cut -> {
                sink.tryEmitNext(new Cut(cut));
                sink.tryEmitComplete();
            }
            case InjectedFaultException injected -> {
                injectedFailure = injected;
                sink.tryEmitError(injected);
            }
            default -> sink.tryEmitError(error);
        }
    }
}
