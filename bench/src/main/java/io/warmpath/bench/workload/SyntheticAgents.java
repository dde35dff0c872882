package io.warmpath.bench.workload;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A seeded generator of agent sessions. Each session belongs to a workflow whose system prompt and tool schemas are
 * shared by all its sessions; every turn resends that skeleton plus the session's whole history, which grows by the
 * previous answer and a tool result (or a short user message) per turn. Sessions arrive as a Poisson process; turns
 * follow each other after a think time. The same seed and shape give the same workload.
 */
public final class SyntheticAgents {

    /** Tokens per block id; the engine's block size, so sharing is exact at cache granularity. */
    public static final int BLOCK_SIZE = 16;
    public static final String TENANT = "synthetic";

    private SyntheticAgents() {
    }

    /**
     * One kind of agent.
     *
     * @param name                 the workflow tag
     * @param weight               relative share of sessions
     * @param systemPromptTokens   shared by every session of the workflow
     * @param toolSchemaTokens     shared by every session of the workflow
     * @param firstMessageTokens   the user's opening message
     * @param growthTokensPerTurn  mean tool-result (or user message) tokens appended per turn
     * @param outputTokens         mean completion tokens of a full turn
     */
    public record Workflow(String name, double weight, int systemPromptTokens, int toolSchemaTokens,
                           int firstMessageTokens, int growthTokensPerTurn, int outputTokens) {
    }

    /**
     * Shape of the generated traffic.
     *
     * @param seed              random seed
     * @param sessions          sessions to generate
     * @param sessionsPerSecond Poisson arrival rate of new sessions
     * @param minTurns          fewest turns per session
     * @param maxTurns          most turns per session
     * @param thinkSeconds      mean time from one turn's arrival to the next (exponential): tool work plus the model's answer
     * @param lightTurnShare    share of turns after the first that are light: a short completion (a routing or
     *                          classification call) and a short user message
     * @param workflows         the agents, chosen by weight
     */
    public record Shape(long seed, int sessions, double sessionsPerSecond, int minTurns, int maxTurns,
                        double thinkSeconds, double lightTurnShare, List<Workflow> workflows) {

        public Shape {
            if (sessions < 1 || sessionsPerSecond <= 0 || minTurns < 1 || maxTurns < minTurns || thinkSeconds < 0
                    || lightTurnShare < 0 || lightTurnShare > 1 || workflows.isEmpty()) {
                throw new IllegalArgumentException("invalid synthetic workload shape");
            }
            workflows = List.copyOf(workflows);
        }

        /** Three agents with different skeleton sizes and growth, typical of coding, support and research work. */
        public static Shape defaults(long seed) {
            return new Shape(seed, 600, 0.5, 4, 20, 20.0, 0.25, List.of(
                    new Workflow("coding-agent", 0.4, 3_000, 6_000, 800, 1_500, 400),
                    new Workflow("support-triage", 0.35, 1_500, 2_000, 300, 300, 150),
                    new Workflow("research", 0.25, 2_000, 3_000, 500, 3_000, 600)));
        }

        public Shape withSessions(int count) {
            return new Shape(seed, count, sessionsPerSecond, minTurns, maxTurns, thinkSeconds, lightTurnShare, workflows);
        }

        public Shape withRate(double rate) {
            return new Shape(seed, sessions, rate, minTurns, maxTurns, thinkSeconds, lightTurnShare, workflows);
        }
    }

    static final int LIGHT_OUTPUT_TOKENS = 24;
    static final int LIGHT_MESSAGE_TOKENS = 60;

    public static Workload generate(Shape shape) {
        SplittableRandom random = new SplittableRandom(shape.seed());
        List<Pending> pending = new ArrayList<>();
        double sessionStart = 0;
        for (int session = 0; session < shape.sessions(); session++) {
            sessionStart += exponential(random, 1.0 / shape.sessionsPerSecond());
            Workflow workflow = pick(random, shape.workflows());
            int turns = random.nextInt(shape.minTurns(), shape.maxTurns() + 1);
            // Block ids: the workflow's skeleton blocks are shared, every later block belongs to this session.
            int skeletonTokens = workflow.systemPromptTokens() + workflow.toolSchemaTokens();
            int historyTokens = skeletonTokens + workflow.firstMessageTokens();
            double arrival = sessionStart;
            for (int turn = 0; turn < turns; turn++) {
                boolean light = turn > 0 && random.nextDouble() < shape.lightTurnShare();
                int output = light ? LIGHT_OUTPUT_TOKENS : around(random, workflow.outputTokens());
                pending.add(new Pending(session, workflow, arrival,
                        blockIds(workflow, session, skeletonTokens, historyTokens), historyTokens, output));
                int nextMessage = light ? LIGHT_MESSAGE_TOKENS : around(random, workflow.growthTokensPerTurn());
                historyTokens += output + nextMessage;
                arrival += exponential(random, shape.thinkSeconds());
            }
        }
        pending.sort(Comparator.comparingDouble(Pending::arrivalSeconds));
        List<Turn> turns = new ArrayList<>(pending.size());
        for (Pending turn : pending) {
            turns.add(new Turn(turns.size(), "syn-" + turn.session(), turn.workflow().name(), turn.arrivalSeconds(),
                    turn.blockIds(), BLOCK_SIZE, turn.promptTokens(), turn.outputTokens()));
        }
        return new Workload(String.format(Locale.ROOT, "synthetic(seed=%d, sessions=%d)", shape.seed(),
                shape.sessions()), TENANT, turns);
    }

    private static long[] blockIds(Workflow workflow, int session, int skeletonTokens, int promptTokens) {
        long[] ids = new long[(promptTokens + BLOCK_SIZE - 1) / BLOCK_SIZE];
        int sharedBlocks = skeletonTokens / BLOCK_SIZE; // a block straddling skeleton and history is the session's
        long workflowSalt = (long) workflow.name().hashCode() << 32;
        for (int block = 0; block < ids.length; block++) {
            ids[block] = block < sharedBlocks
                    ? workflowSalt ^ block
                    : PromptSynthesizer.mix(0x5E55_1011L + session, block);
        }
        return ids;
    }

    /** Uniform within +-50% of the mean, at least 1. */
    private static int around(SplittableRandom random, int mean) {
        return Math.max(1, (int) Math.round(mean * (0.5 + random.nextDouble())));
    }

    private static double exponential(SplittableRandom random, double mean) {
        return mean <= 0 ? 0 : -mean * Math.log(1 - random.nextDouble());
    }

    private static Workflow pick(SplittableRandom random, List<Workflow> workflows) {
        double total = workflows.stream().mapToDouble(Workflow::weight).sum();
        double point = random.nextDouble() * total;
        for (Workflow workflow : workflows) {
            point -= workflow.weight();
            if (point < 0) {
                return workflow;
            }
        }
        return workflows.getLast();
    }

    private record Pending(int session, Workflow workflow, double arrivalSeconds, long[] blockIds, int promptTokens,
                           int outputTokens) {
    }
}
