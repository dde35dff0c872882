package io.warmpath.bench.levers;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;

import io.warmpath.bench.report.Percentiles;
import io.warmpath.enginesim.engine.ModelProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench levers-offline}: the context levers replayed offline, on the same shape of sessions as
 * {@code bench levers} but with no service running. A prompt is a chain of 16-token blocks (system, tools, history,
 * each block an id); an engine's prefix cache is the set of block-chain prefixes it has seen for a tenant (vLLM's
 * automatic prefix caching with room for everything); a turn's cached tokens are its longest cached prefix. Each lever
 * is the transformation Warmpath makes to the prompt (or to the choice of model), applied exactly as the services
 * apply it. Time to first token is the model's (ModelProfile: overhead plus uncached prompt over the prefill rate,
 * one request at a time), which is what the online run at time scale 0.001 cannot show.
 */
@Command(name = "levers-offline", header = "The context levers replayed offline: no stack needed.",
        description = "Same scenarios as bench levers, on block-chain prompts and an ideal prefix cache per engine; "
                + "prices and prefill speed from the engine simulator's model profiles. Prints one table per lever.")
public final class OfflineLeversCommand implements Callable<Integer> {

    private static final int BLOCK = 16;
    private static final int TOOLS = 8;

    private final PrintStream out;

    @Option(names = "--sessions", paramLabel = "N", defaultValue = "16", description = "Sessions per arm (default: ${DEFAULT-VALUE}).")
    private int sessions;

    @Option(names = "--turns", paramLabel = "N", defaultValue = "10", description = "Turns per session (default: ${DEFAULT-VALUE}).")
    private int turns;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "7", description = "Random seed (default: ${DEFAULT-VALUE}).")
    private long seed;

    public OfflineLeversCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        ModelProfile big = ModelProfile.KIMI_K2_5;
        out.printf(Locale.ROOT, "%d sessions x %d turns per arm; blocks of %d tokens, an ideal prefix cache per engine%n",
                sessions, turns, BLOCK);
        table("reordered-tools", List.of(arm("treated", big, (s, t, p) -> p.tools(false)),
                arm("control", big, (s, t, p) -> p.tools(t > 0))));
        // Diagnosis changes no prompt: both arms break where the time changes; the breaks column is what it reports.
        table("changing-system", List.of(arm("treated", big, (s, t, p) -> p.withTime(t)),
                arm("control", big, (s, t, p) -> p.withTime(t))));
        table("unused-tools", List.of(arm("treated", big, (s, t, p) -> p.withTools(2)),
                arm("control", big, (s, t, p) -> p.withTools(TOOLS))));
        table("steady", List.of(arm("treated", big, (s, t, p) -> p), arm("control", big, (s, t, p) -> p)));
        outgrowing(big);
        lightTurns(big, ModelProfile.LLAMA_3_1_8B_INSTRUCT);
        return 0;
    }

    /** What an arm does to the prompt of turn {@code t} of session {@code s}. */
    private interface Lever {
        Prompt apply(int session, int turn, Prompt prompt);
    }

    private record Arm(String name, ModelProfile model, Lever lever) {
    }

    private static Arm arm(String name, ModelProfile model, Lever lever) {
        return new Arm(name, model, lever);
    }

    /** The agent sessions of bench levers: about 600 system tokens, eight tools of 180, 110 tokens of history a turn. */
    private void table(String scenario, List<Arm> arms) {
        out.printf(Locale.ROOT, "%n### %s%n%n", scenario);
        out.println("| arm | turns | hit ratio | prompt tokens | cached tokens | cost / 1,000 turns USD | TTFT p50 ms "
                + "| TTFT p95 ms | prefix breaks |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Arm arm : arms) {
            Tally tally = new Tally();
            Cache cache = new Cache();
            for (int session = 0; session < sessions; session++) {
                List<Long> previous = null;
                for (int turn = 0; turn < turns; turn++) {
                    Prompt prompt = arm.lever().apply(session, turn, Prompt.agent(scenario, session, turn, seed));
                    List<Long> blocks = prompt.blocks();
                    tally.add(arm.model(), blocks.size() * BLOCK, cache.serve(blocks), 8, broke(previous, blocks));
                    previous = blocks;
                }
            }
            out.println(tally.row(arm.name()));
        }
    }

    /** Sessions that outgrow 8,000 tokens of context: checkpoint, refuse and a sliding window. */
    private void outgrowing(ModelProfile model) {
        int limit = 8000;
        int keepTurns = 4;
        int summaryTokens = 512;
        int turnsEach = 60;
        out.printf(Locale.ROOT, "%n### outgrowing%n%n%d sessions x %d turns per arm, max_context_tokens %d, summaries "
                + "of %d tokens at 0.75 of it, the last %d turns kept (summary calls priced uncached, in the cost)%n%n",
                sessions, turnsEach, limit, summaryTokens, keepTurns);
        out.println("| arm | turns | served | hit ratio | prompt tokens | cached tokens | cost / 1,000 served turns USD "
                + "| TTFT p50 ms | TTFT p95 ms | prefix breaks |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String arm : List.of("checkpoint", "refuse", "sliding-window")) {
            Tally tally = new Tally();
            Cache cache = new Cache();
            for (int session = 0; session < sessions; session++) {
                List<Long> system = content("outgrowing-system-" + session, 500);
                List<List<Long>> history = new ArrayList<>();
                int covered = 0;
                List<Long> summary = List.of();
                List<Long> previous = null;
                boolean refused = false;
                for (int turn = 0; turn < turnsEach; turn++) {
                    history.add(content("outgrowing-" + session + "-" + turn, 160));
                    if (refused) {
                        tally.refused();
                        continue;
                    }
                    List<Long> prompt = new ArrayList<>(system);
                    int from = 0;
                    if (arm.equals("checkpoint")) {
                        prompt.addAll(summary);
                        from = covered;
                    }
                    for (int i = from; i < history.size(); i++) {
                        prompt.addAll(history.get(i));
                    }
                    if (arm.equals("sliding-window")) {
                        while (prompt.size() * BLOCK > limit * 0.9 && from < history.size() - 1) {
                            from++;
                            prompt = new ArrayList<>(system);
                            for (int i = from; i < history.size(); i++) {
                                prompt.addAll(history.get(i));
                            }
                        }
                    }
                    if (prompt.size() * BLOCK > limit) {
                        refused = true;
                        tally.refused();
                        continue;
                    }
                    tally.add(model, prompt.size() * BLOCK, cache.serve(prompt), 8, broke(previous, prompt));
                    previous = prompt;
                    if (arm.equals("checkpoint") && prompt.size() * BLOCK >= 0.75 * limit
                            && history.size() - keepTurns > covered) {
                        // Summarized once, ready for the next turn: what it read and wrote is paid for.
                        int summarized = summary.size();
                        for (int i = covered; i < history.size() - keepTurns; i++) {
                            summarized += history.get(i).size();
                        }
                        tally.overhead(model.costUsd((long) summarized * BLOCK, 0, summaryTokens));
                        covered = history.size() - keepTurns;
                        summary = content("summary-" + session + "-" + covered, summaryTokens);
                    }
                }
            }
            out.println(tally.servedRow(arm));
        }
    }

    /**
     * Sessions whose every fourth turn is heavy (128 completion tokens), the rest light (8): always on the big model,
     * light turns on the small one, or each turn where it is expected to cost less (the gateway's rule: the prompt
     * cached on a model as far as the session's last prompt there).
     */
    private void lightTurns(ModelProfile big, ModelProfile light) {
        out.printf(Locale.ROOT, "%n### light-turns%n%n%d sessions x %d turns per arm, every fourth turn heavy; %s and "
                + "%s%n%n", sessions, turns, big.name(), light.name());
        out.println("| routing | turns | hit ratio | prompt tokens | cached tokens | cost / 1,000 turns USD | TTFT p50 ms "
                + "| TTFT p95 ms | turns on the light model |");
        out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (String routing : List.of("always-default", "class-only", "cost-aware")) {
            Tally tally = new Tally();
            Cache onBig = new Cache();
            Cache onLight = new Cache();
            int lightTurns = 0;
            for (int session = 0; session < sessions; session++) {
                List<Long> prompt = new ArrayList<>(content("routed-system-" + session, 560));
                long heldBig = 0;
                long heldLight = 0;
                for (int turn = 0; turn < turns; turn++) {
                    prompt.addAll(content("routed-" + session + "-" + turn, 96));
                    boolean heavy = turn % 4 == 3;
                    int completion = heavy ? 128 : 8;
                    long tokens = (long) prompt.size() * BLOCK;
                    boolean toLight = switch (routing) {
                        case "class-only" -> !heavy;
                        case "cost-aware" -> !heavy && light.costUsd(tokens, Math.min(tokens, heldLight), completion)
                                < big.costUsd(tokens, Math.min(tokens, heldBig), completion);
                        default -> false;
                    };
                    ModelProfile model = toLight ? light : big;
                    long cached = (toLight ? onLight : onBig).serve(prompt);
                    tally.add(model, tokens, cached, completion, false);
                    if (toLight) {
                        heldLight = tokens;
                        lightTurns++;
                    } else {
                        heldBig = tokens;
                    }
                    prompt.addAll(content("routed-answer-" + session + "-" + turn, 16));
                }
            }
            out.println(tally.routingRow(routing, lightTurns));
        }
    }

    /** Whether a turn stopped repeating its previous turn inside what that turn sent (a prefix break). */
    private static boolean broke(List<Long> previous, List<Long> current) {
        if (previous == null) {
            return false;
        }
        for (int i = 0; i < previous.size(); i++) {
            if (i >= current.size() || !previous.get(i).equals(current.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** {@code tokens} tokens of content named {@code name}: its blocks' ids. */
    private static List<Long> content(String name, int tokens) {
        List<Long> blocks = new ArrayList<>();
        for (int i = 0; i < (tokens + BLOCK - 1) / BLOCK; i++) {
            blocks.add((long) (name + "#" + i).hashCode() << 16 ^ i);
        }
        return blocks;
    }

    /** One agent turn's prompt by section: system, tools (each its own blocks), history. */
    private record Prompt(List<Long> system, List<List<Long>> toolBlocks, List<Long> history, Random random) {

        static Prompt agent(String scenario, int session, int turn, long seed) {
            List<List<Long>> tools = new ArrayList<>();
            for (int tool = 0; tool < TOOLS; tool++) {
                tools.add(content(scenario + "-tool-" + tool, 180));
            }
            List<Long> history = new ArrayList<>(content(scenario + "-ask-" + session, 20));
            for (int past = 0; past < turn; past++) {
                history.addAll(content(scenario + "-turn-" + session + "-" + past, 110));
            }
            return new Prompt(content(scenario + "-system-" + session, 600), tools, history,
                    new Random(seed * 31 + session * 1009L + turn));
        }

        /** The tools shuffled (a client that rebuilds its list each turn), or as first sent. */
        Prompt tools(boolean shuffled) {
            List<List<Long>> order = new ArrayList<>(toolBlocks);
            if (shuffled) {
                Collections.shuffle(order, random);
            }
            return new Prompt(system, order, history, random);
        }

        /** The system prompt ending with the time, which changes every turn (its last block). */
        Prompt withTime(int turn) {
            List<Long> timed = new ArrayList<>(system.subList(0, system.size() - 1));
            timed.add((long) ("time-" + turn).hashCode());
            return new Prompt(timed, toolBlocks, history, random);
        }

        /** The first {@code count} tools only (the rest trimmed). */
        Prompt withTools(int count) {
            return new Prompt(system, toolBlocks.subList(0, count), history, random);
        }

        List<Long> blocks() {
            List<Long> all = new ArrayList<>(system);
            toolBlocks.forEach(all::addAll);
            all.addAll(history);
            return all;
        }
    }

    /** An engine's prefix cache: every block-chain prefix it has computed (room for all of them). */
    private static final class Cache {

        private final Set<Long> prefixes = new HashSet<>();

        /** Serves a prompt: returns the tokens of its longest cached prefix, and caches all of its prefixes. */
        long serve(List<Long> blocks) {
            long chain = 17;
            int hits = 0;
            boolean hitting = true;
            for (long block : blocks) {
                chain = chain * 1_000_003L ^ block;
                if (hitting && prefixes.contains(chain)) {
                    hits++;
                } else {
                    hitting = false;
                    prefixes.add(chain);
                }
            }
            return (long) hits * BLOCK;
        }
    }

    private static final class Tally {

        private final List<Double> ttft = new ArrayList<>();
        private int turns;
        private int refusedTurns;
        private long prompt;
        private long cached;
        private double cost;
        private int breaks;

        void add(ModelProfile model, long promptTokens, long cachedTokens, long completionTokens, boolean broke) {
            turns++;
            prompt += promptTokens;
            cached += cachedTokens;
            cost += model.costUsd(promptTokens, cachedTokens, completionTokens);
            ttft.add((model.overheadSeconds() + (promptTokens - cachedTokens) / model.prefillTokensPerSecond()) * 1000);
            breaks += broke ? 1 : 0;
        }

        void refused() {
            turns++;
            refusedTurns++;
        }

        void overhead(double usd) {
            cost += usd;
        }

        private Percentiles latency() {
            return Percentiles.of(ttft.stream().mapToDouble(Double::doubleValue).toArray());
        }

        String row(String arm) {
            return String.format(Locale.ROOT, "| %s | %d | %.3f | %,d | %,d | %.2f | %.1f | %.1f | %d |", arm, turns,
                    (double) cached / prompt, prompt, cached, cost / turns * 1000, latency().at(50), latency().at(95),
                    breaks);
        }

        String servedRow(String arm) {
            int served = turns - refusedTurns;
            return String.format(Locale.ROOT, "| %s | %d | %d | %.3f | %,d | %,d | %.2f | %.1f | %.1f | %d |", arm,
                    turns, served, (double) cached / prompt, prompt, cached, cost / served * 1000, latency().at(50),
                    latency().at(95), breaks);
        }

        String routingRow(String routing, int onLight) {
            return String.format(Locale.ROOT, "| %s | %d | %.3f | %,d | %,d | %.2f | %.1f | %.1f | %d |", routing,
                    turns, (double) cached / prompt, prompt, cached, cost / turns * 1000, latency().at(50),
                    latency().at(95), onLight);
        }
    }
}
